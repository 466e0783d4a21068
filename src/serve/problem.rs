//! Errors as OGC API exceptions (RFC 7807 problem details): `type`, `title`, `status`,
//! `detail`, answered with their HTTP status. The types OGC API – Processes defines are
//! used where one fits; planlint's own are `urn:planlint:error:NAME`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Seconds to wait before trying again (503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

const OGC: &str = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";

impl Problem {
    fn new(status: StatusCode, kind: &str, title: &'static str, detail: &str) -> Problem {
        Problem {
            kind: if kind.starts_with("http") {
                kind.to_string()
            } else {
                format!("urn:planlint:error:{kind}")
            },
            title,
            status: status.as_u16(),
            detail: detail.to_string(),
            retry_after: None,
        }
    }

    pub fn no_such_process(id: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            &format!("{OGC}no-such-process"),
            "No such process",
            &format!("there is no process '{id}': the processes are check and fix"),
        )
    }

    pub fn no_such_job(id: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            &format!("{OGC}no-such-job"),
            "No such job",
            &format!("there is no job '{id}'"),
        )
    }

    pub fn result_not_ready(id: &str, status: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            &format!("{OGC}result-not-ready"),
            "Result not ready",
            &format!("job '{id}' is {status}: it has no results"),
        )
    }

    pub fn not_found(detail: &str) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// The request's inputs or parameters are not what the process takes.
    pub fn invalid(detail: &str) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameter-value",
            "Invalid input",
            detail,
        )
    }

    /// The upload is not a plan planlint can unpack.
    pub fn bad_upload(detail: &str) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-upload",
            "Invalid upload",
            detail,
        )
    }

    /// The plan in the upload cannot be read or checked (the command line's exit 2).
    pub fn unusable_plan(detail: &str) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unusable-plan",
            "The plan cannot be checked",
            detail,
        )
    }

    pub fn unsupported(detail: &str) -> Problem {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    pub fn too_large(detail: &str) -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Too large",
            detail,
        )
    }

    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "this server wants `Authorization: Bearer TOKEN` to execute and to delete \
             (执行与删除需要令牌)",
        )
    }

    pub fn busy(retry_after: u64) -> Problem {
        Problem {
            retry_after: Some(retry_after),
            ..Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Busy",
                "every worker is checking and the queue is full: try again shortly \
                 (服务繁忙，请稍后再试)",
            )
        }
    }

    pub fn timed_out(seconds: u64) -> Problem {
        Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            "time-limit",
            "Time limit",
            &format!("the check took longer than the server's limit of {seconds} s"),
        )
    }

    pub fn internal(detail: &str) -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            detail,
        )
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(status = self.status, detail = %self.detail, "answered with an error");
        } else {
            tracing::info!(status = self.status, detail = %self.detail, "refused");
        }
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&self).unwrap_or_default(),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
