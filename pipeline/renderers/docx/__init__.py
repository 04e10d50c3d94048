"""Word (.docx) documents from docxtpl templates: render (render_docx), build the templates (build),
the context and sandbox they see (context), what they can use (variables), same bytes (package), fonts."""
