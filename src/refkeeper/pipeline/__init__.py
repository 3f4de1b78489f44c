"""The use cases wired together: sync, pin, ignore, keep, init, export from the lock.
No click and no printing here: the CLI is a thin layer over these functions.

    pipeline.sync(settings)                    # see refkeeper.pipeline.sync
    pipeline.pin(settings, "key", "pmid:8620427")
    pipeline.ignore(settings, "key")
"""

from refkeeper.errors import RefkeeperError, RetriesExhausted
from refkeeper.models import CSLItem, Extraction, Reference, Resolution
from refkeeper.pipeline.auditing import audit_project, resolutions_provider
from refkeeper.pipeline.facade import (
    audit_options,
    export_text,
    extract_kinds,
    extract_one,
    find_styles,
    render_reports,
    write_audit_pages,
    write_output,
    write_text,
)
from refkeeper.pipeline.guard import check_audit_output, check_export_output
from refkeeper.pipeline.indexing import (
    build_index,
    index_stats,
    resolve_file_on_dask,
    update_index,
)
from refkeeper.pipeline.manual import (
    ExportSource,
    document_kind,
    ignore,
    init_project,
    keep,
    locked_works,
    manual_book,
    parse_identifier,
    pin,
    works_to_export,
)
from refkeeper.pipeline.outputs import (
    audit_paths,
    display_path,
    render_audit,
    render_outputs,
    work_for_export,
)
from refkeeper.pipeline.pandoc_filter import fill_from_project
from refkeeper.pipeline.project import (
    ClientFactory,
    extract_documents,
    find_documents,
    make_client,
    project_lock,
)
from refkeeper.pipeline.resolving import (
    reference_from_text,
    references_from_file,
    resolve_texts,
)
from refkeeper.pipeline.syncing import (
    Change,
    Progress,
    SyncResult,
    needs_attention,
    sync,
    sync_report,
)

__all__ = [
    "build_index",
    "index_stats",
    "resolve_file_on_dask",
    "update_index",
    "CSLItem",
    "Extraction",
    "RefkeeperError",
    "Reference",
    "Resolution",
    "RetriesExhausted",
    "audit_options",
    "fill_from_project",
    "check_audit_output",
    "check_export_output",
    "export_text",
    "extract_kinds",
    "extract_one",
    "find_styles",
    "render_reports",
    "write_audit_pages",
    "write_output",
    "write_text",
    "reference_from_text",
    "references_from_file",
    "resolve_texts",
    "ExportSource",
    "document_kind",
    "works_to_export",
    "audit_project",
    "resolutions_provider",
    "Change",
    "ClientFactory",
    "Progress",
    "SyncResult",
    "audit_paths",
    "display_path",
    "extract_documents",
    "find_documents",
    "ignore",
    "keep",
    "init_project",
    "locked_works",
    "make_client",
    "manual_book",
    "parse_identifier",
    "pin",
    "project_lock",
    "render_audit",
    "render_outputs",
    "sync",
    "sync_report",
    "needs_attention",
    "work_for_export",
]
