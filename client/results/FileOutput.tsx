/** A `file` output: its name, size and a Download link; text files readable in place, images shown. */
import { useEffect, useState } from "react";
import type { FileInfoView } from "../../server/schema/views.js";
import { fileInfo, fileText, formatSize, isText, runFileUrl } from "./results-api.js";

/** Larger text files are downloaded, not shown. */
const MAX_SHOWN_BYTES = 1 << 20;

export function FileOutput({ runId, port, path }: { runId: string; port: string; path: string }) {
  const [info, setInfo] = useState<FileInfoView>();
  const [error, setError] = useState<string>();
  const [text, setText] = useState<string>();
  useEffect(() => {
    let live = true;
    setInfo(undefined);
    setError(undefined);
    setText(undefined);
    fileInfo(runId, path)
      .then(async (found) => {
        if (!live) return;
        setInfo(found);
        if (isText(found.contentType) && found.size <= MAX_SHOWN_BYTES && found.size > 0) {
          const content = await fileText(runId, path);
          if (live) setText(content);
        }
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [runId, path]);

  return (
    <div className="lf-file-output" data-port={port}>
      <div className="lf-file-head">
        <span className="lf-file-name" title={path}>
          {info?.name ?? path.split("/").pop()}
        </span>
        {info && <span className="lf-muted">{formatSize(info.size)}</span>}
        {info && (
          <a href={runFileUrl(runId, path)} download={info.name} aria-label={`Download ${port}`}>
            Download
          </a>
        )}
      </div>
      {error && <p className="lf-muted">{error}</p>}
      {info && info.size === 0 && <p className="lf-muted lf-empty-file">(empty)</p>}
      {info?.contentType.startsWith("image/") && info.size > 0 && (
        <img className="lf-file-image" src={runFileUrl(runId, path)} alt={`${port}: ${info.name}`} />
      )}
      {text !== undefined && (
        <pre className="lf-code lf-file-text" data-content-of={port}>
          {text}
        </pre>
      )}
      {info && isText(info.contentType) && info.size > MAX_SHOWN_BYTES && (
        <p className="lf-muted">Too large to show here: download it.</p>
      )}
    </div>
  );
}
