#!/usr/bin/env bash
# Say in the job summary where the SARIF went: code scanning, a workflow artifact, or nowhere
# (an upload that failed because code scanning is not enabled is a warning, not a failed job).
# Environment: PG_UPLOAD, PG_UPLOAD_OUTCOME, PG_KEEP_ARTIFACT, PG_ARTIFACT_OUTCOME,
# PG_ARTIFACT_NAME, GITHUB_STEP_SUMMARY.
set -euo pipefail

note=""
if [[ "${PG_UPLOAD:-}" == "true" && "${PG_UPLOAD_OUTCOME:-}" == "success" ]]; then
  note="SARIF uploaded to code scanning (category phantom-guard)."
elif [[ "${PG_UPLOAD:-}" == "true" ]]; then
  echo "::warning::phantom-guard: the SARIF upload failed (code scanning not enabled, or the token lacks security-events: write)."
  note="The SARIF upload failed: code scanning may not be enabled, or the token lacks \`security-events: write\`."
fi
if [[ "${PG_ARTIFACT_OUTCOME:-}" == "success" ]]; then
  note="${note:+$note }The SARIF and JSON reports are kept as the workflow artifact \`${PG_ARTIFACT_NAME:-}\`."
elif [[ "${PG_KEEP_ARTIFACT:-}" == "true" || "${PG_UPLOAD_OUTCOME:-}" == "failure" ]]; then
  note="${note:+$note }Keeping the reports as a workflow artifact failed too; see this step's log."
fi
if [[ -n "$note" && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  printf '\n%s\n' "$note" >>"$GITHUB_STEP_SUMMARY"
fi
echo "phantom-guard: ${note:-no SARIF kept (sarif: off).}"
