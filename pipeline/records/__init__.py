"""Records: strict loading of YAML files into validated models (the first stage of the pipeline)."""

from pipeline.records.load import Records, load
from pipeline.records.models import Institution, Internship, Student

__all__ = ["Institution", "Internship", "Records", "Student", "load"]
