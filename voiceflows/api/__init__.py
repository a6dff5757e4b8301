"""The voice endpoints of the partner API (`/api/v1/calls/`, `/api/v1/escalations/`)."""
