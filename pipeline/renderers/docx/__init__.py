"""Word (.docx) documents from docxtpl templates: render (render_docx; the
built-in templates' fast path: fast), build the templates (build),
the context and sandbox they see (context), what they can use (variables), same bytes (package), fonts."""
