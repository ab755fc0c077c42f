package dev.pikodb.sample.web;

import dev.pikodb.PikoDBException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import tools.jackson.core.JacksonException;

/**
 * Turns every failure of a request into an RFC 9457 problem ({@code application/problem+json}).
 *
 * <ul>
 * <li>Spring MVC's own exceptions (unreadable body, failed validation, wrong method, unknown path, ...)
 * keep their status, with a more precise {@code detail} for unreadable bodies and validation
 * errors;</li>
 * <li>{@link IllegalArgumentException}, which PikoDB throws for an invalid table name, key or value
 * before changing anything, becomes 400 Bad Request with the store's message;</li>
 * <li>{@link PikoDBException} (the store could not persist or read) becomes 503 Service Unavailable;</li>
 * <li>the same failures met through a Spring Data repository, which reports them as
 * {@link InvalidDataAccessApiUsageException} and {@link DataAccessResourceFailureException}, become 400
 * and 503 as well.</li>
 * </ul>
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /**
     * An argument the store rejected: invalid key (empty, NUL, longer than 1024 characters), invalid
     * table name, or a value it cannot serialise.
     *
     * @param exception the store's exception
     * @return 400 with the store's message as detail
     */
    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail handleIllegalArgument(IllegalArgumentException exception) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, exception.getMessage());
        problem.setTitle("Bad request");
        return problem;
    }

    /**
     * The store failed to persist or read; the request changed nothing.
     *
     * @param exception the store's exception
     * @return 503
     */
    @ExceptionHandler(PikoDBException.class)
    ProblemDetail handleStorageFailure(PikoDBException exception) {
        logger.error("Storage failure while serving a request", exception);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The data could not be stored or read; nothing was changed. Try again later.");
        problem.setTitle("Storage unavailable");
        return problem;
    }

    /**
     * An argument the store rejected, met through a repository (an invalid id, say).
     *
     * @param exception the translated exception
     * @return 400 with the store's message as detail
     */
    @ExceptionHandler(InvalidDataAccessApiUsageException.class)
    ProblemDetail handleInvalidUsage(InvalidDataAccessApiUsageException exception) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                exception.getMostSpecificCause().getMessage());
        problem.setTitle("Bad request");
        return problem;
    }

    /**
     * The store failed to persist or read, met through a repository; the request changed nothing.
     *
     * @param exception the translated exception
     * @return 503
     */
    @ExceptionHandler(DataAccessResourceFailureException.class)
    ProblemDetail handleResourceFailure(DataAccessResourceFailureException exception) {
        logger.error("Storage failure while serving a request", exception);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The data could not be stored or read; nothing was changed. Try again later.");
        problem.setTitle("Storage unavailable");
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException exception,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String reason = (exception.getMostSpecificCause() instanceof JacksonException jackson)
                ? jackson.getOriginalMessage() : null;
        String detail = (reason != null) ? "Malformed JSON request body: " + reason
                : "The request body is missing or is not valid JSON";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Bad request");
        return handleExceptionInternal(exception, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException exception,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = exception.getBindingResult()
            .getFieldErrors()
            .stream()
            .sorted(Comparator.comparing(FieldError::getField))
            .map(error -> errorOf(error.getField(), String.valueOf(error.getDefaultMessage())))
            .toList();
        StringBuilder detail = new StringBuilder("Invalid request body:");
        errors.forEach(error -> detail.append(' ').append(error.get("field")).append(' ').append(error.get("message"))
            .append(';'));
        detail.setLength(detail.length() - (errors.isEmpty() ? 0 : 1));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail.toString());
        problem.setTitle("Bad request");
        problem.setProperty("errors", errors);
        return handleExceptionInternal(exception, problem, headers, status, request);
    }

    private static Map<String, String> errorOf(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }
}
