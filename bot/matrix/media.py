"""Media: download (and decrypt) what a person or a mediator sent, upload it for the other room.

The network is used before any transaction: the router downloads and re-uploads first, then
records the relay (see bot/router.py).
"""

from __future__ import annotations

import io
from typing import Any

from nio import AsyncClient, DownloadError, UploadResponse
from nio.crypto.attachments import decrypt_attachment

from bot.matrix.errors import SendError
from bot.matrix.events import Media


async def download(client: AsyncClient, media: Media) -> bytes:
    """The plaintext bytes of a media event (decrypted if it came from an encrypted room)."""
    mxc = media.file["url"] if media.file else media.url
    if not mxc:
        raise SendError("media without url")
    resp = await client.download(mxc=str(mxc))
    if isinstance(resp, DownloadError):
        raise SendError(f"download failed: {resp.status_code}")
    data: bytes = resp.body
    if media.file:
        f = media.file
        data = decrypt_attachment(data, f["key"]["k"], f["hashes"]["sha256"], f["iv"])
    return data

async def upload(
    client: AsyncClient, encrypt: bool, data: bytes, mimetype: str | None, filename: str
) -> tuple[str | None, dict[str, Any] | None]:
    """Upload (encrypted for an encrypted room): (url, None) in clear, (None, file) if not."""
    resp, keys = await client.upload(
        io.BytesIO(data),
        content_type=mimetype or "application/octet-stream",
        filename=filename,
        encrypt=encrypt,
        filesize=len(data),
    )
    if not isinstance(resp, UploadResponse):
        raise SendError(f"upload failed: {getattr(resp, 'status_code', '')}")
    if encrypt and keys is not None:
        return None, {**keys, "url": resp.content_uri}
    return str(resp.content_uri), None

async def relay(client: AsyncClient, media: Media, encrypt: bool) -> dict[str, Any]:
    """Content for re-sending `media` into another room (add relations, then send)."""
    data = await download(client, media)
    url, file = await upload(client, encrypt, data, media.mimetype, media.body or "file")
    info: dict[str, Any] = {"size": len(data)}
    if media.mimetype:
        info["mimetype"] = media.mimetype
    content: dict[str, Any] = {"msgtype": media.msgtype, "body": media.body, "info": info}
    if file is not None:
        content["file"] = file
    else:
        content["url"] = url
    return content
