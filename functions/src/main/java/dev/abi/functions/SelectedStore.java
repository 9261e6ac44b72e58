package dev.abi.functions;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** The {@link ObjectStoreFactory} that {@code abi.store.kind} names, chosen once at startup. */
@Singleton
public class SelectedStore {

    private final ObjectStoreFactory factory;

    SelectedStore(AbiConfig config, @Any Instance<ObjectStoreFactory> factories) {
        String kind = config.store().kind();
        List<String> available = new ArrayList<>();
        ObjectStoreFactory chosen = null;
        for (ObjectStoreFactory f : factories) {
            available.add(f.kind());
            if (f.kind().equals(kind)) {
                chosen = f;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException(
                    "abi.store.kind=" + kind + " is not available in this package; available: " + available);
        }
        this.factory = chosen;
    }

    public ObjectStoreFactory factory() {
        return factory;
    }
}
