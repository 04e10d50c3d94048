from pipeline.cli import ceri

ceri()
