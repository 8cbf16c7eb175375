"""The one part of the build pyproject.toml cannot declare: the classifier's optional C extension.

``optional=True``: where no C compiler is at hand (the slim container image), the package still
installs and the classifier runs its pure-Python path, with the same logits, only slower
(src/tenbin/routing/_grams.c says why it exists).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("tenbin.routing._grams", ["src/tenbin/routing/_grams.c"], optional=True,
                             extra_compile_args=["-O2"])])
