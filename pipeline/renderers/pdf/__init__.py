"""PDF documents drawn with reportlab: certificates, the work-permit checklist, the evaluation
certificate and the JSPS report (様式5-3). Each renderer takes a RenderRequest and returns PDF bytes.

Options a caller may put in RenderRequest.options:
  serial             certificate number from the register: printed by the issue date, with a QR code
  verification_text  what the QR code encodes (default: the serial)
  pack_documents     permit-checklist: document kinds the pack holds (ticked on the list)
"""
