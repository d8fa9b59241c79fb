// The one redactor lives in utils (logs use it too); OAuth code keeps importing it from here.
export { redactSecrets } from "../../utils/redact.js";
