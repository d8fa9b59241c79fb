import type { ReactElement } from "react";
import { useSyncExternalStore } from "react";
import type { ElicitationStore } from "../mcp/elicitation-store.js";
import { ElicitationForm } from "./elicitation-form.js";

/** Props of the elicitation prompt. */
export interface ElicitationPromptProps {
  readonly store: ElicitationStore;
  readonly isActive?: boolean;
}

/** Shows the oldest pending elicitation form, if any; renders nothing otherwise. */
export function ElicitationPrompt({
  store,
  isActive = true,
}: ElicitationPromptProps): ReactElement | null {
  const pending = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const request = pending[0];
  if (!request) return null;
  return (
    <ElicitationForm
      key={request.id}
      request={request}
      isActive={isActive}
      onRespond={(response) => store.resolve(request.id, response)}
    />
  );
}
