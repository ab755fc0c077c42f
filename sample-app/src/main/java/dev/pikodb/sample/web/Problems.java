package dev.pikodb.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Factory of the application's error answers: each is an {@link ErrorResponseException} that Spring MVC
 * renders as an RFC 9457 {@code application/problem+json} body.
 */
public final class Problems {

    private Problems() {
    }

    /**
     * 404 Not Found.
     *
     * @param detail what was not found
     * @return the exception to throw
     */
    public static ErrorResponseException notFound(String detail) {
        return problem(HttpStatus.NOT_FOUND, "Not found", detail);
    }

    /**
     * 400 Bad Request.
     *
     * @param detail what is wrong with the request
     * @return the exception to throw
     */
    public static ErrorResponseException badRequest(String detail) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", detail);
    }

    /**
     * 412 Precondition Failed: the client's version is not the current one.
     *
     * @param detail which versions differ
     * @param currentVersion the current version, reported as the {@code currentVersion} property
     * @return the exception to throw
     */
    public static ErrorResponseException versionConflict(String detail, long currentVersion) {
        ErrorResponseException exception = problem(HttpStatus.PRECONDITION_FAILED, "Version conflict", detail);
        exception.getBody().setProperty("currentVersion", currentVersion);
        return exception;
    }

    /**
     * 428 Precondition Required: a conditional request was required.
     *
     * @param detail which header is missing
     * @return the exception to throw
     */
    public static ErrorResponseException preconditionRequired(String detail) {
        return problem(HttpStatus.PRECONDITION_REQUIRED, "Precondition required", detail);
    }

    private static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        return new ErrorResponseException(status, body, null);
    }
}
