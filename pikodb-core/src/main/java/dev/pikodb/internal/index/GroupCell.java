package dev.pikodb.internal.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Holds the group of a value (a string's in {@link SecondaryIndex}, an integer's in {@link LongValues}),
 * so that a write that changes the group stores it here instead of looking the value up again to store
 * it. A cell that left its map holds null.
 */
final class GroupCell {
    private static final VarHandle GROUP;

    static {
        try {
            GROUP = MethodHandles.lookup().findVarHandle(GroupCell.class, "group", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Object group;

    GroupCell(Object group) {
        this.group = group;
    }

    Object group() {
        return group;
    }

    /** Stores a group: a reader that gets it sees its contents as they were when it was stored. */
    void set(Object next) {
        GROUP.setRelease(this, next);
    }
}
