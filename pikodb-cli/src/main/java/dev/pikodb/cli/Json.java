package dev.pikodb.cli;

import dev.pikodb.DatabaseRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The JSON the tool prints and reads. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** A record as one JSON object: its key, value and metadata, as an export line holds it. */
    static Map<String, Object> record(String table, String key, DatabaseRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("table", table);
        line.put("key", key);
        line.put("value", record.value());
        line.put("version", record.version());
        line.put("timestamp", record.timestamp());
        line.put("expiration", record.expiration());
        line.put("dictionary", record.dictionaryName());
        return line;
    }

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}
