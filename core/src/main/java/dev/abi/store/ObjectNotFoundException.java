package dev.abi.store;

/** A read named an object that does not exist. */
public final class ObjectNotFoundException extends RuntimeException {

    public ObjectNotFoundException(String key) {
        super("no object " + key);
    }
}
