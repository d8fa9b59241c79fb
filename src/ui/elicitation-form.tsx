import { Box, type Key, Text } from "ink";
import { type ReactElement, useMemo } from "react";
import {
  type FieldValue,
  type FormField,
  formFields,
  initialValues,
  validateForm,
} from "../mcp/elicitation-fields.js";
import type { ElicitationResponse, PendingElicitation } from "../mcp/elicitation-store.js";
import { safeLine, safeText } from "../utils/terminal-text.js";
import * as edit from "./editor.js";
import { useKeys } from "./keys.js";
import { useRefState } from "./ref-state.js";

/** Props of the elicitation form. */
export interface ElicitationFormProps {
  readonly request: PendingElicitation;
  /** Called once with the user's answer. */
  readonly onRespond: (response: ElicitationResponse) => void;
  readonly isActive?: boolean;
}

/** Keys shown under the form. */
export const ELICITATION_HINT = "Enter accept · Ctrl+D decline · Esc cancel · ↑/↓ move";

// Printable input only: no control characters or escape sequences.
const PRINTABLE = /^\P{Cc}+$/u;

function isTextField(field: FormField): boolean {
  return field.kind === "string" || field.kind === "number" || field.kind === "integer";
}

function step(field: FormField, value: FieldValue | undefined, delta: number): FieldValue {
  if (field.kind === "boolean") return !(value === true);
  if (field.kind === "enum") {
    const n = field.options.length;
    const current = typeof value === "number" ? value : -1;
    return current < 0 ? (delta > 0 ? 0 : n - 1) : (((current + delta) % n) + n) % n;
  }
  return value ?? "";
}

/**
 * A server's form (`elicitation/create`): one line per field with defaults pre-filled.
 * Type into text fields, Space or ←/→ for booleans, enums and multi-select options.
 */
export function ElicitationForm({
  request,
  onRespond,
  isActive = true,
}: ElicitationFormProps): ReactElement {
  const fields = useMemo(() => formFields(request.schema), [request.schema]);
  // Handlers read through refs: keys typed quickly arrive before React renders the last one.
  const [values, setValues, valuesRef] = useRefState<Record<string, FieldValue>>(() =>
    initialValues(fields),
  );
  const [focus, setFocus, focusRef] = useRefState(0);
  const [optionCursor, setOptionCursor, optionCursorRef] = useRefState(0);
  const [errors, setErrors] = useRefState<Readonly<Record<string, string>>>({});
  const [done, setDone, doneRef] = useRefState(false);

  const respond = (response: ElicitationResponse): void => {
    if (doneRef.current) return;
    setDone(true);
    onRespond(response);
  };

  const move = (delta: number): void => {
    if (fields.length === 0) return;
    setFocus((f) => (f + delta + fields.length) % fields.length);
    setOptionCursor(0);
  };

  const update = (key: string, value: FieldValue): void => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => {
      if (!(key in e)) return e;
      const { [key]: _, ...rest } = e;
      return rest;
    });
  };

  const submit = (): void => {
    const result = validateForm(fields, valuesRef.current);
    if (result.ok) {
      respond({ action: "accept", content: result.content });
      return;
    }
    setErrors(result.errors);
    const firstInvalid = fields.findIndex((f) => f.key in result.errors);
    if (firstInvalid >= 0) setFocus(firstInvalid);
  };

  useKeys(
    (input: string, key: Key) => {
      if (doneRef.current) return;
      if (key.escape) return respond({ action: "cancel" });
      if (key.ctrl && input === "d") return respond({ action: "decline" });
      if (key.return) return submit();
      if (key.upArrow || (key.tab && key.shift)) return move(-1);
      if (key.downArrow || key.tab) return move(1);
      const field = fields[focusRef.current];
      if (!field) return;
      const value = valuesRef.current[field.key];
      if (isTextField(field)) {
        const text = typeof value === "string" ? value : "";
        if (key.backspace || key.delete) return update(field.key, text.slice(0, -1));
        // The line-editing keys of the input line (the cursor stays at the end here).
        if (key.ctrl && input === "u") return update(field.key, "");
        if (key.ctrl && input === "w")
          return update(field.key, edit.deleteWordBackward(edit.setText(text)).text);
        if (!key.ctrl && !key.meta && PRINTABLE.test(input)) return update(field.key, text + input);
        return;
      }
      if (field.kind === "multi") {
        const n = field.options.length;
        if (key.leftArrow) return setOptionCursor((c) => (c - 1 + n) % n);
        if (key.rightArrow) return setOptionCursor((c) => (c + 1) % n);
        const option = field.options[optionCursorRef.current];
        if (input === " " && option) {
          const chosen = Array.isArray(value) ? value : [];
          update(
            field.key,
            chosen.includes(option.value)
              ? chosen.filter((v) => v !== option.value)
              : [...chosen, option.value],
          );
        }
        return;
      }
      if (key.leftArrow) return update(field.key, step(field, value, -1));
      if (key.rightArrow || input === " ") return update(field.key, step(field, value, 1));
    },
    { isActive: isActive && !done },
  );

  const labelWidth = Math.max(
    ...fields.map((f) => safeLine(f.label).length + (f.required ? 1 : 0)),
    1,
  );
  // The server names itself and writes the message, labels, options and descriptions: all of
  // it passes the terminal-text sanitizer.
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text>
        <Text bold>{safeLine(request.server)}</Text> asks: {safeText(request.message)}
      </Text>
      {fields.map((field, i) => (
        <FieldLine
          key={field.key}
          field={field}
          value={values[field.key]}
          focused={i === focus}
          optionCursor={optionCursor}
          labelWidth={labelWidth}
          {...(errors[field.key] !== undefined && { error: errors[field.key] })}
        />
      ))}
      <Text dimColor>
        {ELICITATION_HINT}
        {fieldHint(fields[focus])}
      </Text>
    </Box>
  );
}

/** Keys that change the focused field, when they are not plain typing. */
function fieldHint(field: FormField | undefined): string {
  switch (field?.kind) {
    case "boolean":
    case "enum":
      return " · Space or ←/→ change";
    case "multi":
      return " · ←/→ option · Space toggle";
    case "number":
    case "integer": {
      const range = [field.minimum ?? "", field.maximum ?? ""].join("…");
      return range === "…" ? "" : ` · range ${range}`;
    }
    default:
      return "";
  }
}

interface FieldLineProps {
  readonly field: FormField;
  readonly value: FieldValue | undefined;
  readonly focused: boolean;
  readonly optionCursor: number;
  readonly labelWidth: number;
  readonly error?: string;
}

function renderValue(
  field: FormField,
  value: FieldValue | undefined,
  focused: boolean,
  cursor: number,
): string {
  switch (field.kind) {
    case "boolean":
      return value === true ? "[x] yes" : "[ ] no";
    case "enum": {
      const option = typeof value === "number" ? field.options[value] : undefined;
      return `‹ ${option?.label ?? "choose"} ›  (${field.options.map((o) => o.label).join(" / ")})`;
    }
    case "multi": {
      const chosen = Array.isArray(value) ? value : [];
      return field.options
        .map((o, i) => {
          const mark = chosen.includes(o.value) ? "[x]" : "[ ]";
          return focused && i === cursor ? `›${mark} ${o.label}` : ` ${mark} ${o.label}`;
        })
        .join(" ");
    }
    default: {
      const text = typeof value === "string" ? value : "";
      return focused ? `${text}▏` : text;
    }
  }
}

function FieldLine({
  field,
  value,
  focused,
  optionCursor,
  labelWidth,
  error,
}: FieldLineProps): ReactElement {
  const label = `${safeLine(field.label)}${field.required ? "*" : ""}`.padEnd(labelWidth);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={focused ? "cyan" : undefined}>{focused ? "› " : "  "}</Text>
        <Text bold={focused}>{label}</Text>
        <Text> : </Text>
        <Text>{safeLine(renderValue(field, value, focused, optionCursor))}</Text>
        {error !== undefined && <Text color="red"> ✗ {safeLine(error)}</Text>}
      </Text>
      {focused && field.description !== undefined && (
        <Text dimColor>
          {"    "}
          {safeText(field.description)}
        </Text>
      )}
    </Box>
  );
}
