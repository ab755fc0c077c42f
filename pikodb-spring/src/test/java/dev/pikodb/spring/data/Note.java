package dev.pikodb.spring.data;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.keyvalue.annotation.KeySpace;

/** A mutable, versioned entity kept in the table "notes". */
@KeySpace("notes")
public class Note {

    @Id
    private String id;

    @Indexed
    private String owner;

    @Indexed
    private String title;

    @Version
    private Long version;

    /** For Jackson and Spring Data. */
    public Note() {
    }

    /**
     * A new note.
     *
     * @param id the id
     * @param owner the owner
     * @param title the title
     */
    public Note(String id, String owner, String title) {
        this.id = id;
        this.owner = owner;
        this.title = title;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public Long getVersion() {
        return version;
    }

    public void setVersion(Long version) {
        this.version = version;
    }

    @Override
    public String toString() {
        return "Note[" + id + ", " + owner + ", " + title + ", v" + version + "]";
    }
}
