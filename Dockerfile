# tenbin gateway image: PostgreSQL + Redis backends, no embedded model (run vendors, or mount a
# GGUF and install the `local` extra in a derived image). Build: docker build -t tenbin .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --prefix=/install ".[postgres,redis]"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tenbin --create-home tenbin \
 && mkdir -p /var/lib/tenbin/spool /etc/tenbin \
 && chown -R tenbin:tenbin /var/lib/tenbin
COPY --from=build /install /usr/local
USER tenbin
WORKDIR /var/lib/tenbin
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TENBIN_CONFIG=/etc/tenbin/tenbin.yaml
EXPOSE 8787
# /healthz answers without an API key; the stdlib client keeps curl out of the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8787/healthz', timeout=2).status != 200)"]
# A non-loopback bind makes API keys mandatory (server.auth), whatever the config says.
CMD ["tenbin", "serve", "--host", "0.0.0.0", "--port", "8787"]
