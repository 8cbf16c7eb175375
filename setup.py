"""The one part of the build pyproject.toml cannot declare: the classifier's optional C extensions.

``optional=True``: where no C compiler is at hand (the slim container image), the package still
installs and the classifier runs its pure-Python path, with the same logits, only slower
(src/tenbin/routing/_grams.c and _gates.c say why each exists).
"""

from setuptools import Extension, setup

_SHARED = ["src/tenbin/routing/_hash.h"]

setup(ext_modules=[
    Extension(f"tenbin.routing.{name}", [f"src/tenbin/routing/{name}.c"], depends=_SHARED, optional=True,
              extra_compile_args=["-O2"])
    for name in ("_grams", "_gates")
])
