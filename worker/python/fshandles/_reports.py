"""What a sync and an import report."""


class SyncReport:
    """What a ``sync`` did, as lists of paths relative to the mount: ``read`` (brought in from
    the folder), ``written`` (written out to it), ``removed`` (removed from it, because Python
    removed them), and ``conflicts``: ``(path, kept)`` pairs for files changed on both sides
    since the last sync. There the folder's version keeps ``path`` and Python's is kept beside
    it as ``kept`` ("name (conflict N).ext"), on both sides."""

    def __init__(self, value):
        self.read = [str(p) for p in value.read]
        self.written = [str(p) for p in value.written]
        self.removed = [str(p) for p in value.removed]
        self.conflicts = [(str(c.path), str(c.kept)) for c in value.conflicts]

    def __repr__(self):
        return (
            f"SyncReport(read={self.read}, written={self.written}, "
            f"removed={self.removed}, conflicts={self.conflicts})"
        )


class ImportReport:
    """What an ``import_folder`` did, as lists of paths relative to the folder: ``written``
    (new there), ``same`` (there already, with the same bytes: left as it was), and
    ``renamed``: ``(path, kept_as)`` pairs for files whose name another file had, imported
    beside it as "name (imported N).ext". Nothing in the folder is overwritten."""

    def __init__(self, value):
        self.written = [str(p) for p in value.written]
        self.same = [str(p) for p in value.same]
        self.renamed = [(str(r[0]), str(r[1])) for r in value.renamed]

    def __repr__(self):
        return f"ImportReport(written={self.written}, same={self.same}, renamed={self.renamed})"


def _report(value):
    """A sync's ``SyncReport``, its conflicts also told on stderr."""
    report = SyncReport(value)
    if report.conflicts:
        import sys

        for path, kept in report.conflicts:
            print(
                f"fshandles: {path} changed in the folder and here; the folder's version "
                f"kept the name, this one is {kept}",
                file=sys.stderr,
            )
    return report
