package dev.pikodb.sample.readings;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.sample.web.Problems;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/readings}: sensor readings written with the {@code sensors} dictionary configured in
 * {@code application.yml}, so that each stored record spells {@code "s"} instead of {@code "sensor"},
 * {@code "t"} instead of {@code "temperature"}, and so on.
 *
 * <p>A reading's key is {@code <sensor>@<epoch millis>}: posting the same sensor and instant again
 * replaces the reading (200 with version 2) instead of adding a duplicate.
 */
@RestController
@RequestMapping("/api/readings")
public class ReadingController {

    /** The table holding the readings. */
    public static final String TABLE = "readings";

    /** The dictionary the readings are written with ({@code pikodb.dictionaries.sensors}). */
    public static final String DICTIONARY = "sensors";

    private final PikoDB db;

    private final JsonMapper jsonMapper;

    private final Clock clock;

    /**
     * Creates the controller.
     *
     * @param db the store; must have the {@code sensors} dictionary
     * @param jsonMapper converts stored values into {@link Reading}s
     * @param clock gives the timestamp of readings posted without one
     * @throws IllegalStateException when the dictionary is not configured
     */
    public ReadingController(PikoDB db, JsonMapper jsonMapper, Clock clock) {
        if (!db.listDictionaries().contains(DICTIONARY)) {
            throw new IllegalStateException("PikoDB has no dictionary '" + DICTIONARY + "' (it has "
                    + db.listDictionaries() + "); configure it as pikodb.dictionaries." + DICTIONARY
                    + ".deflate in application.yml");
        }
        this.db = db;
        this.jsonMapper = jsonMapper;
        this.clock = clock;
    }

    /**
     * Records a reading.
     *
     * @param request the reading
     * @return 201 for a new reading, 200 when it replaced one with the same sensor and timestamp
     */
    @PostMapping
    public ResponseEntity<ReadingResponse> create(@Valid @RequestBody ReadingRequest request) {
        Instant timestamp = ((request.timestamp() != null) ? request.timestamp() : clock.instant())
            .truncatedTo(ChronoUnit.MILLIS);
        Reading reading = new Reading(request.sensor(), request.temperature(), request.humidity(), timestamp);
        String id = request.sensor() + "@" + timestamp.toEpochMilli();
        long version = db.write(TABLE, id, reading, null, DICTIONARY);
        ReadingResponse body = ReadingResponse.of(id, version, reading);
        return (version == 1)
                ? ResponseEntity.created(location(id)).body(body)
                : ResponseEntity.status(HttpStatus.OK).body(body);
    }

    /**
     * Lists readings in time order.
     *
     * @param sensor only this sensor's readings, when given
     * @return the readings
     */
    @GetMapping
    public List<ReadingResponse> list(@RequestParam(required = false) String sensor) {
        return db.get(TABLE)
            .stream()
            .map(Map.Entry::getKey)
            .map(id -> db.getRecord(TABLE, id).map(record -> toResponse(id, record)))
            .flatMap(Optional::stream)
            .filter(reading -> sensor == null || sensor.equals(reading.sensor()))
            .sorted(Comparator.comparing(ReadingResponse::timestamp).thenComparing(ReadingResponse::id))
            .toList();
    }

    /**
     * Reads one reading.
     *
     * @param id the reading's id
     * @return the reading, or 404
     */
    @GetMapping("/{id}")
    public ReadingResponse get(@PathVariable String id) {
        return db.getRecord(TABLE, id)
            .map(record -> toResponse(id, record))
            .orElseThrow(() -> Problems.notFound("No reading with id '" + id + "'"));
    }

    private ReadingResponse toResponse(String id, DatabaseRecord record) {
        return ReadingResponse.of(id, record.version(), jsonMapper.convertValue(record.value(), Reading.class));
    }

    private static URI location(String id) {
        return ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(id).toUri();
    }
}
