"""Ships the top-level templates/ and forms/ folders inside the wheel as pipeline/templates and
pipeline/forms (pipeline.resources finds them there), so an installed ceri needs no checkout."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "forms")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the folders where they are
            return
        for name in DATA_FOLDERS:
            target = Path(self.build_lib) / "pipeline" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target)


setup(cmdclass={"build_py": BuildWithData})
