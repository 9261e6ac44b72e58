package dev.abi.aws;

import dev.abi.functions.Priming;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Lambda SnapStart runtime hooks (CRaC): before the snapshot, the instance is primed (gateway path, namespaces opened
 * and searched, embedding model loaded and run), so a restored instance starts warm. After a restore nothing needs
 * redoing: the SDK clients re-resolve credentials per request and hold no connection across the snapshot.
 */
@ApplicationScoped
public class SnapStartPriming implements Resource {

    @Inject
    Priming priming;

    private volatile Priming.Report lastReport;

    /** What the last checkpoint's priming touched; null before the first. */
    public Priming.Report lastReport() {
        return lastReport;
    }

    void register(@Observes StartupEvent ignored) {
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        lastReport = priming.prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing: see the class comment
    }
}
