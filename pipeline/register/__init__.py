"""The certificate register (証明書発行台帳): serial numbers, issuing, revocation and verification.

It sits beside pack/batch, above the renderers: it calls pipeline.renderers, never the reverse.
"""

from pipeline.register.db import SCHEMA_VERSION, Register
from pipeline.register.issue import Issued, inputs_hash_for, issue, reserve_serial, verification_text
from pipeline.register.place import DEFAULT_NAME, ENV_VAR, Place, data_dir, find, resolve_path
from pipeline.register.verify import Verdict, read_pdf, verify

__all__ = ["DEFAULT_NAME", "ENV_VAR", "SCHEMA_VERSION", "Issued", "Place", "Register", "Verdict", "inputs_hash_for",
           "issue", "read_pdf", "reserve_serial", "data_dir", "find", "resolve_path", "verification_text", "verify"]
