"""A timestamp server (RFC 3161 TSA) for PAdES B-T: each signature then carries a token in which the
server vouches for the time it saw the signature, so the certificate proves when it was signed even after
the signing key expires. The server is the university's (institution record `signing: {timestamp_url:
URL}`, `$CERI_TIMESTAMP_URL`, or `--timestamp-url`); nothing is asked of a server unless one is set.

A server that cannot be reached or answers anything but a timestamp stops the signing with one message:
a certificate is never issued unsigned, nor signed without the timestamp that was asked for.
"""

from __future__ import annotations

import asyncio
import os

from pipeline.errors import CeriError
from pipeline.i18n import _

TIMESTAMP_ENV = "CERI_TIMESTAMP_URL"
TIMEOUT = 10  # seconds for one request (connecting, sending, the whole answer)
MAX_REPLY = 1024 * 1024  # a token with its certificate chain is a few kB


class TimestampError(CeriError):
    """The timestamp server could not give a timestamp."""


def timestamp_url_from_env() -> str | None:
    """The server to timestamp with, as the command chose it (see cli/keys.py: the option, the environment
    or the institution record, put in the environment so that pack's worker processes find it)."""
    return os.environ.get(TIMESTAMP_ENV) or None


def timestamper(url: str):
    """A pyHanko TimeStamper asking url, bounded in time and size, failing with one clear message."""
    import aiohttp
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    def failed(reason: str) -> TimestampError:
        return TimestampError(_("the timestamp server {url} gave no timestamp: {reason}").format(url=url, reason=reason))

    class BoundedTimeStamper(HTTPTimeStamper):
        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            try:
                async with aiohttp.ClientSession(timeout=timeout) as session, session.post(
                        self.url, data=req.dump(), headers=self.request_headers()) as response:
                    if response.status != 200:
                        raise failed(_("it answered HTTP {status}").format(status=response.status))
                    kind = response.headers.get("Content-Type", "")
                    body = await response.content.read(MAX_REPLY + 1)
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                reason = _("no answer within {seconds} s").format(seconds=self.timeout) \
                    if isinstance(exc, TimeoutError) else " ".join(str(exc).split()) or type(exc).__name__
                raise failed(reason) from None
            if kind.split(";")[0].strip() != "application/timestamp-reply":
                raise failed(_("it answered {kind}, not a timestamp").format(kind=kind or "?"))
            if len(body) > MAX_REPLY:
                raise failed(_("its answer is too large"))
            try:
                reply = tsp.TimeStampResp.load(body)
                reply.native  # noqa: B018 - parses every part now: garbage fails here, not inside the signer
            except Exception:  # noqa: BLE001 - any parsing error means the same: not a timestamp
                raise failed(_("its answer is not an RFC 3161 timestamp")) from None
            return reply

        async def async_timestamp(self, message_digest, md_algorithm):
            try:
                return await super().async_timestamp(message_digest, md_algorithm)
            except TimestampError:
                raise
            except (TimestampRequestError, ValueError, KeyError, TypeError) as exc:
                raise failed(" ".join(str(exc).split()) or type(exc).__name__) from None

    return BoundedTimeStamper(url, timeout=TIMEOUT)


def probe(stamper) -> None:
    """Ask the server once (the answer is kept: pyHanko sizes every signature with it), so that a wrong
    address stops the run before any serial is taken."""
    from pyhanko.sign import DEFAULT_MD

    asyncio.run(stamper.async_dummy_response(DEFAULT_MD))
