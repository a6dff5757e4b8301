"""gunicorn's access log, redacted: `RedactingLogger` (`--logger-class`).

The README's access-log format already leaves the query string out (`%(U)s`,
not `%(r)s`): Globe Labs' redirect carries the subscriber's `access_token`
in it. The path still carries the app's callback token
(`/callbacks/globe/<token>/...`, `/voice/<token>/...`) and a referer can be
anything, so every atom of the line goes through the filter Hatid's own log
lines go through (secrets redacted, numbers masked), whatever the format.
"""

from gunicorn.glogging import Logger

from telecom.redaction import scrub_log_text


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = scrub_log_text(value)
        return atoms
