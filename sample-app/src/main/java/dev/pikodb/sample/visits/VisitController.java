package dev.pikodb.sample.visits;

import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A value kept per HTTP session: the session lives in PikoDB (table {@code spring-sessions}), so it
 * survives a restart of the application and, on Redis, is shared by every instance.
 */
@RestController
@RequestMapping("/api/visit")
class VisitController {

    private static final String VISITS = "visits";
    private static final String PAGES = "pages";

    /**
     * Counts a visit of the caller's session.
     *
     * @param page the page visited, remembered in the session (the last five)
     * @param session the caller's session, created on the first visit
     * @return the session's visits so far
     */
    @PostMapping
    Visits visit(@RequestParam(defaultValue = "home") String page, HttpSession session) {
        Integer visits = (Integer) session.getAttribute(VISITS);
        int count = visits == null ? 1 : visits + 1;
        session.setAttribute(VISITS, count);
        @SuppressWarnings("unchecked")
        List<String> stored = (List<String>) session.getAttribute(PAGES);
        List<String> pages = stored == null ? new ArrayList<>() : new ArrayList<>(stored);
        pages.add(page);
        if (pages.size() > 5) {
            pages.remove(0);
        }
        session.setAttribute(PAGES, pages);
        return new Visits(session.getId(), count, pages);
    }

    /**
     * The caller's visits, without counting one.
     *
     * @param session the caller's session, created if it has none
     * @return the visits so far
     */
    @GetMapping
    Visits visits(HttpSession session) {
        Integer visits = (Integer) session.getAttribute(VISITS);
        @SuppressWarnings("unchecked")
        List<String> pages = (List<String>) session.getAttribute(PAGES);
        return new Visits(session.getId(), visits == null ? 0 : visits, pages == null ? List.of() : pages);
    }

    /**
     * A session's visits.
     *
     * @param session the session id
     * @param visits how many
     * @param pages the last pages visited
     */
    record Visits(String session, int visits, List<String> pages) {
    }
}
