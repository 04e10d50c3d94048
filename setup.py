"""Compiles the messages catalogues (pipeline/locale/*/LC_MESSAGES/ceri.po → ceri.mo) when the package is
built or installed, so that an installed ceri speaks Japanese without a compiled file in the repository.
Everything else about the package is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        # an editable install reads the package from the source tree: compile beside the .po there
        root = Path() if self.editable_mode else Path(self.build_lib)
        for po in sorted(Path("pipeline/locale").glob("*/LC_MESSAGES/ceri.po")):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parts[-3])
            mo = root / po.with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as f:
                write_mo(f, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
