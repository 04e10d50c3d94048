"""What building the package does beyond pyproject.toml: ships the top-level templates/ and forms/ folders
inside the wheel as pipeline/templates and pipeline/forms (pipeline.resources finds them there), and
compiles the messages catalogues (pipeline/locale/*/LC_MESSAGES/*.po → *.mo: ceri and click), so that an installed
ceri needs no checkout and speaks Japanese without a compiled file in the repository."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "forms")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        self.compile_catalogues()
        if self.editable_mode:  # an editable install reads the folders where they are
            return
        for name in DATA_FOLDERS:
            target = Path(self.build_lib) / "pipeline" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target)

    def compile_catalogues(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        # an editable install reads the package from the source tree: compile beside the .po there
        root = HERE if self.editable_mode else Path(self.build_lib)
        for po in sorted((HERE / "pipeline" / "locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parts[-3])
            mo = root / po.relative_to(HERE).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as f:
                write_mo(f, catalog)


setup(cmdclass={"build_py": BuildWithData})
