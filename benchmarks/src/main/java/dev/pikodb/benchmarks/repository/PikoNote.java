package dev.pikodb.benchmarks.repository;

import dev.pikodb.spring.data.Indexed;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.keyvalue.annotation.KeySpace;

/** W14's note in a PikoDB repository: three properties indexed by PikoDB. */
@KeySpace("w14notes")
public class PikoNote {

    @Id
    private String id;
    @Indexed
    private String owner;
    @Indexed
    private long created;
    @Indexed
    private List<String> tags;
    private String title;
    private String body;

    /** For the mapper. */
    public PikoNote() {
    }

    /**
     * A note.
     *
     * @param fields its fields
     */
    public PikoNote(NoteFields fields) {
        this.id = fields.id();
        this.owner = fields.owner();
        this.created = fields.created();
        this.tags = fields.tags();
        this.title = fields.title();
        this.body = fields.body();
    }

    /** @return the id */
    public String getId() {
        return id;
    }

    /** @param id the id */
    public void setId(String id) {
        this.id = id;
    }

    /** @return the owner */
    public String getOwner() {
        return owner;
    }

    /** @param owner the owner */
    public void setOwner(String owner) {
        this.owner = owner;
    }

    /** @return the creation time, epoch milliseconds */
    public long getCreated() {
        return created;
    }

    /** @param created the creation time */
    public void setCreated(long created) {
        this.created = created;
    }

    /** @return the tags */
    public List<String> getTags() {
        return tags;
    }

    /** @param tags the tags */
    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    /** @return the title */
    public String getTitle() {
        return title;
    }

    /** @param title the title */
    public void setTitle(String title) {
        this.title = title;
    }

    /** @return the body */
    public String getBody() {
        return body;
    }

    /** @param body the body */
    public void setBody(String body) {
        this.body = body;
    }
}
