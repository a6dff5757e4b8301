"""The voiceflows services: the only entry points that change voice state.
The voice webhook, admin actions, the partner API and Celery tasks call them."""
