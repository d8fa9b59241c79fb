import type { ElicitationField, ElicitationSchema } from "./elicitation-store.js";

/** One option of an enum field. */
export interface EnumOption {
  readonly value: string;
  readonly label: string;
}

/** A form field derived from an elicitation schema property. */
export type FormField =
  | {
      readonly key: string;
      readonly label: string;
      readonly description?: string;
      readonly required: boolean;
      readonly kind: "string";
      readonly minLength?: number;
      readonly maxLength?: number;
      readonly format?: string;
      readonly defaultValue?: string;
    }
  | {
      readonly key: string;
      readonly label: string;
      readonly description?: string;
      readonly required: boolean;
      readonly kind: "number" | "integer";
      readonly minimum?: number;
      readonly maximum?: number;
      readonly defaultValue?: number;
    }
  | {
      readonly key: string;
      readonly label: string;
      readonly description?: string;
      readonly required: boolean;
      readonly kind: "boolean";
      readonly defaultValue?: boolean;
    }
  | {
      readonly key: string;
      readonly label: string;
      readonly description?: string;
      readonly required: boolean;
      readonly kind: "enum";
      readonly options: readonly EnumOption[];
      readonly defaultValue?: string;
    }
  | {
      readonly key: string;
      readonly label: string;
      readonly description?: string;
      readonly required: boolean;
      readonly kind: "multi";
      readonly options: readonly EnumOption[];
      readonly defaultValue?: readonly string[];
    };

/** What the user has entered: text for text-like fields, a flag, or an option index (-1: none). */
export type FieldValue = string | boolean | number | readonly string[];

/** Values of every field, by key. */
export type FormValues = Readonly<Record<string, FieldValue>>;

function enumOptions(field: ElicitationField): EnumOption[] | undefined {
  if ("oneOf" in field && Array.isArray(field.oneOf)) {
    return field.oneOf.map((o) => ({ value: o.const, label: o.title }));
  }
  if ("enum" in field && Array.isArray(field.enum)) {
    const names = "enumNames" in field && Array.isArray(field.enumNames) ? field.enumNames : [];
    return field.enum.map((value, i) => ({ value, label: names[i] ?? value }));
  }
  return undefined;
}

function multiOptions(field: ElicitationField): EnumOption[] | undefined {
  if (field.type !== "array" || !("items" in field)) return undefined;
  const items = field.items;
  if ("anyOf" in items && Array.isArray(items.anyOf)) {
    return items.anyOf.map((o) => ({ value: o.const, label: o.title }));
  }
  if ("enum" in items && Array.isArray(items.enum)) {
    return items.enum.map((value) => ({ value, label: value }));
  }
  return undefined;
}

/** Turns the requested schema into fields, in the order the server listed them. */
export function formFields(schema: ElicitationSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([key, field]): FormField => {
    const common = {
      key,
      label: field.title ?? key,
      ...(field.description !== undefined && { description: field.description }),
      required: required.has(key),
    };
    const multi = multiOptions(field);
    if (multi) {
      const d = "default" in field && Array.isArray(field.default) ? field.default : undefined;
      return { ...common, kind: "multi", options: multi, ...(d && { defaultValue: d }) };
    }
    const options = enumOptions(field);
    if (options) {
      const d = "default" in field && typeof field.default === "string" ? field.default : undefined;
      return { ...common, kind: "enum", options, ...(d !== undefined && { defaultValue: d }) };
    }
    if (field.type === "boolean") {
      const d = typeof field.default === "boolean" ? field.default : undefined;
      return { ...common, kind: "boolean", ...(d !== undefined && { defaultValue: d }) };
    }
    if (field.type === "number" || field.type === "integer") {
      const d = "default" in field && typeof field.default === "number" ? field.default : undefined;
      return {
        ...common,
        kind: field.type,
        ...("minimum" in field && field.minimum !== undefined && { minimum: field.minimum }),
        ...("maximum" in field && field.maximum !== undefined && { maximum: field.maximum }),
        ...(d !== undefined && { defaultValue: d }),
      };
    }
    const d = "default" in field && typeof field.default === "string" ? field.default : undefined;
    return {
      ...common,
      kind: "string",
      ...("minLength" in field && field.minLength !== undefined && { minLength: field.minLength }),
      ...("maxLength" in field && field.maxLength !== undefined && { maxLength: field.maxLength }),
      ...("format" in field && field.format !== undefined && { format: field.format }),
      ...(d !== undefined && { defaultValue: d }),
    };
  });
}

/** The values a form starts with: defaults pre-filled, everything else empty. */
export function initialValues(fields: readonly FormField[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const field of fields) {
    switch (field.kind) {
      case "string":
        values[field.key] = field.defaultValue ?? "";
        break;
      case "number":
      case "integer":
        values[field.key] = field.defaultValue === undefined ? "" : String(field.defaultValue);
        break;
      case "boolean":
        values[field.key] = field.defaultValue ?? false;
        break;
      case "enum":
        values[field.key] = field.options.findIndex((o) => o.value === field.defaultValue);
        break;
      case "multi":
        values[field.key] = field.defaultValue ?? [];
        break;
    }
  }
  return values;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkString(field: FormField & { kind: "string" }, text: string): string | undefined {
  if (field.minLength !== undefined && text.length < field.minLength) {
    return `at least ${field.minLength} characters`;
  }
  if (field.maxLength !== undefined && text.length > field.maxLength) {
    return `at most ${field.maxLength} characters`;
  }
  if (field.format === "email" && !EMAIL.test(text)) return "expected an email address";
  if ((field.format === "uri" || field.format === "url") && !URL.canParse(text)) {
    return "expected a URL";
  }
  if (field.format === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(text)) return "expected YYYY-MM-DD";
  if (field.format === "date-time" && Number.isNaN(Date.parse(text))) {
    return "expected a date and time";
  }
  return undefined;
}

function checkNumber(
  field: FormField & { kind: "number" | "integer" },
  text: string,
): { value: number } | { error: string } {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) return { error: "expected a number" };
  if (field.kind === "integer" && !Number.isInteger(value))
    return { error: "expected a whole number" };
  if (field.minimum !== undefined && value < field.minimum) {
    return { error: `must be at least ${field.minimum}` };
  }
  if (field.maximum !== undefined && value > field.maximum) {
    return { error: `must be at most ${field.maximum}` };
  }
  return { value };
}

/** The content to send back, or an error per invalid field. Empty optional fields are omitted. */
export function validateForm(
  fields: readonly FormField[],
  values: FormValues,
):
  | { readonly ok: true; readonly content: Record<string, string | number | boolean | string[]> }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> } {
  const content: Record<string, string | number | boolean | string[]> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.key];
    switch (field.kind) {
      case "boolean":
        content[field.key] = value === true;
        break;
      case "enum": {
        const option = typeof value === "number" ? field.options[value] : undefined;
        if (option) content[field.key] = option.value;
        else if (field.required) errors[field.key] = "choose one";
        break;
      }
      case "multi": {
        const chosen = Array.isArray(value) ? [...value] : [];
        if (chosen.length > 0 || field.required) content[field.key] = chosen;
        if (chosen.length === 0 && field.required) errors[field.key] = "choose at least one";
        break;
      }
      case "string": {
        const text = typeof value === "string" ? value : "";
        if (text === "") {
          if (field.required) errors[field.key] = "required";
          break;
        }
        const error = checkString(field, text);
        if (error) errors[field.key] = error;
        else content[field.key] = text;
        break;
      }
      case "number":
      case "integer": {
        const text = typeof value === "string" ? value : "";
        if (text.trim() === "") {
          if (field.required) errors[field.key] = "required";
          break;
        }
        const checked = checkNumber(field, text);
        if ("error" in checked) errors[field.key] = checked.error;
        else content[field.key] = checked.value;
        break;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, content };
}
