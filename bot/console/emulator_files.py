"""Uploads (files.getUploadURLExternal, the raw upload, files.completeUploadExternal) and files.info.

completeUploadExternal answers at once with ``files: [{id, title}]`` and no message ts; Slack then
processes the upload asynchronously: for a moment files.info shows the file with no shares and the
message with the file has not appeared (python-slack-sdk #1521, #1590). The emulator posts the message and
records the shares ``Workspace.processing_s`` clock seconds later. ``blocks`` beside ``initial_comment``
are ignored, as Slack ignores them.
"""

from __future__ import annotations

from collections.abc import Callable

from .emulator_blocks import check_blocks
from .emulator_workspace import (
    SlackError,
    StoredFile,
    Workspace,
    channel_param,
    thread_param,
)

ALT_TXT_LIMIT = 1_000  # files.getUploadURLExternal: alt_txt_too_large past 1,000 characters


def get_upload_url(ws: Workspace, p: dict) -> dict:
    if not p.get("filename") or not str(p.get("length", "")).isdigit():
        raise SlackError("invalid_arguments")
    if int(p["length"]) == 0:
        raise SlackError("missing_argument")
    if len(str(p.get("alt_txt") or "")) > ALT_TXT_LIMIT:
        raise SlackError("alt_txt_too_large")
    f = ws.add_file(name=p["filename"], user=ws.bot_user_id, alt_txt=p.get("alt_txt"))
    return {"upload_url": f"{ws.root}/upload/v1/{f.id}", "file_id": f.id}


def complete_upload(ws: Workspace, p: dict) -> dict:
    items = p.get("files")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) and i.get("id") for i in items):
        raise SlackError("invalid_arguments")
    stored = [ws.files.get(i["id"]) for i in items]
    if any(f is None or not f.uploaded or f.completed for f in stored):
        raise SlackError("file_not_found")
    channels = [p["channel_id"]] if p.get("channel_id") else [c for c in str(p.get("channels") or "").split(",") if c]
    for c in channels:
        channel_param({"channel": c})
    comment = p.get("initial_comment") or ""
    blocks = None if comment else check_blocks(p.get("blocks"), ws.new_id)  # ignored beside initial_comment
    for item, f in zip(items, stored, strict=True):
        f.title, f.completed = item.get("title") or f.title, True
        ws.save_bot_file(f)
    thread_ts = thread_param(p)
    ws.later(ws.processing_s, lambda: _share(ws, stored, channels, comment, blocks or [], thread_ts))
    return {"files": [{"id": f.id, "title": f.title} for f in stored]}


def _share(ws: Workspace, stored: list[StoredFile], channels: list[str], comment: str, blocks: list[dict],
           thread_ts: str | None) -> None:
    """The end of processing: the message with the files appears and the files list their shares."""
    for channel in channels:
        m = ws.post(ws.bot_message(channel, text=comment, blocks=blocks, thread_ts=thread_ts,
                                   files=[ws.file_json(f) for f in stored]))
        for f in stored:
            f.shares.setdefault(channel, []).append({"ts": m.ts, **({"thread_ts": m.thread_ts} if m.thread_ts else {})})


def files_info(ws: Workspace, p: dict) -> dict:
    f = ws.files.get(str(p.get("file")))
    if f is None or not f.completed:
        raise SlackError("file_not_found")
    return {"file": ws.file_json(f), "comments": [], "response_metadata": {"next_cursor": ""}}


FILE_METHODS: dict[str, Callable[[Workspace, dict], dict]] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": files_info,
}
