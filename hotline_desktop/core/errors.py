"""The one error type an operator is told about: a Chinese message naming what and where.

`ServiceError` lives here (the lowest layer) so that the store can raise its own kind of it
(db.errors.StoreWriteError) and every caller that handles a refused operation handles both.
"""

from __future__ import annotations

import errno


class ServiceError(Exception):
    """An operation was refused or could not be saved; nothing was changed."""


_OS_WHY = {
    errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的", errno.EACCES: "无权限", errno.EPERM: "无权限",
    errno.ENOENT: "找不到文件或文件夹", errno.EEXIST: "文件已存在", errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一项不是文件夹", errno.ENAMETOOLONG: "文件名过长", errno.EBUSY: "文件正被占用",
}


def os_error_zh(e: OSError) -> str:
    """An OSError in Chinese: what it is and which file (the path clipped), never errno text."""
    from hotline_desktop.core.text import clip

    why = _OS_WHY.get(e.errno or -1, "无法访问文件")
    return f"{why}：{clip(e.filename, 200)}" if e.filename else why
