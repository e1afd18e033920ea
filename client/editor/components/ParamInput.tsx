/**
 * One parameter field, its widget chosen by the schema: number (with min/max), select (enum),
 * checkbox (boolean), text, or JSON. Validated as it is typed: text that does not parse stays in
 * the field with its error; a value that parses is committed (one undo step per field edit).
 */
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { fieldProblem, formatFieldValue, type ParamField, parseFieldText } from "../core/param-fields.js";

interface ParamInputProps {
  field: ParamField;
  value: unknown;
  onCommit: (value: unknown) => void;
}

export function ParamInput({ field, value, onCommit }: ParamInputProps) {
  const id = useId();
  const [text, setText] = useState(() => formatFieldValue(field, value));
  const [parseError, setParseError] = useState<string>();
  const committed = useRef(value);

  // Follow changes made elsewhere (undo, redo) without disturbing what is being typed.
  useEffect(() => {
    if (value === committed.current) return;
    committed.current = value;
    setText(formatFieldValue(field, value));
    setParseError(undefined);
  }, [value, field]);

  const change = (next: string) => {
    setText(next);
    const parsed = parseFieldText(field, next);
    if (!parsed.ok) {
      setParseError(parsed.message);
      return;
    }
    setParseError(undefined);
    committed.current = parsed.value;
    onCommit(parsed.value);
  };

  const problem = parseError ?? fieldProblem(field, value);
  const hint = [
    field.description,
    field.minimum !== undefined || field.maximum !== undefined
      ? `Range ${field.minimum ?? "-inf"} to ${field.maximum ?? "inf"}.`
      : undefined,
    field.default !== undefined ? `Default ${JSON.stringify(field.default)}.` : undefined,
  ]
    .filter(Boolean)
    .join(" ");
  const placeholder =
    field.default === undefined || field.kind === "boolean" || field.kind === "enum"
      ? undefined
      : formatFieldValue(field, field.default);
  const common = {
    id,
    placeholder,
    "aria-invalid": problem ? true : undefined,
    "aria-describedby": `${id}-hint ${id}-problem`,
  };

  let control: ReactNode;
  switch (field.kind) {
    case "number":
    case "integer":
      control = (
        <input
          {...common}
          type="number"
          min={field.minimum}
          max={field.maximum}
          step={field.kind === "integer" ? 1 : "any"}
          value={text}
          onChange={(e) => change(e.target.value)}
        />
      );
      break;
    case "enum":
      control = (
        <select {...common} value={text} onChange={(e) => change(e.target.value)}>
          {(!field.required || value === undefined) && (
            <option value="">
              {field.default !== undefined ? `(default: ${String(field.default)})` : "(none)"}
            </option>
          )}
          {field.options?.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case "boolean":
      control = (
        <input
          {...common}
          type="checkbox"
          checked={(value ?? field.default) === true}
          onChange={(e) => change(e.target.checked ? "true" : "false")}
        />
      );
      break;
    case "string":
      control = field.multiline ? (
        <textarea {...common} rows={3} value={text} onChange={(e) => change(e.target.value)} />
      ) : (
        <input {...common} type="text" value={text} onChange={(e) => change(e.target.value)} />
      );
      break;
    default:
      control = (
        <textarea
          {...common}
          className="lf-code"
          rows={Math.min(8, Math.max(2, text.split("\n").length))}
          spellCheck={false}
          value={text}
          onChange={(e) => change(e.target.value)}
        />
      );
  }

  return (
    <div className={`lf-field lf-field-${field.kind}${problem ? " is-invalid" : ""}`}>
      <label htmlFor={id}>
        {field.key}
        {field.required && (
          <span className="lf-required" title="required">
            {" "}
            *
          </span>
        )}
        {field.kind === "json" && (
          <span className="lf-muted">{field.acceptsString ? " (text or JSON)" : " (JSON)"}</span>
        )}
      </label>
      {control}
      <div id={`${id}-problem`} className="lf-field-problem" aria-live="polite">
        {problem}
      </div>
      {hint && (
        <div id={`${id}-hint`} className="lf-field-hint">
          {hint}
        </div>
      )}
    </div>
  );
}
