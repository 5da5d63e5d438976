package ai.thinkheads.phoenix.junit;

import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension for tests that use Phoenix: it hands out a fresh {@link FakeHypervisor},
 * or a started {@link PveSimulator} (HTTPS and SSH on loopback) with ready-made {@link ProxmoxApi}
 * and {@link QmHypervisor} backends (certificate and host key pinned), and closes them afterwards,
 * as okhttp's MockWebServer extension and fabric8's mock-server extension do.
 *
 * <p>What a test asks for is made on first use. In one scope the fake is the simulator's model:
 * a VM created through {@code api} shows in {@code fake.cluster()}. The fake runs on the wall clock
 * with short task durations (node {@value SimulatedCluster#NODE}, storages {@code local} and
 * {@code local-lvm}, a cloud image at {@link SimulatedCluster#IMPORT_IMAGE}).
 *
 * <p>Three ways to register it:
 * <pre>{@code
 * @ExtendWith(PhoenixExtension.class)              // fresh per test, as parameters
 * class MyTest {
 *     @Test void plans(FakeHypervisor fake, ProxmoxApi api) { ... }
 * }
 *
 * class MyTest {                                   // fresh per test, parameters or the field
 *     @RegisterExtension final PhoenixExtension phoenix = new PhoenixExtension();
 *     @Test void plans() { Phoenix.on(phoenix.api()).plan(...); }
 * }
 *
 * class MyTest {                                   // one for the whole class (a static field)
 *     @RegisterExtension static final PhoenixExtension phoenix = PhoenixExtension.create().withSchemaAudit();
 * }
 * }</pre>
 * Parameters can be declared by test methods, {@code @BeforeEach}/{@code @AfterEach} methods, and,
 * per class, by {@code @BeforeAll}/{@code @AfterAll} methods and the test class's constructor.
 */
public final class PhoenixExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final Map<Class<?>, Function<Scope, Object>> RESOLVABLE = Map.of(
            FakeHypervisor.class, Scope::fake,
            SimulatedCluster.class, Scope::cluster,
            PveSimulator.class, s -> s.cluster().simulator(),
            ProxmoxApi.class, Scope::api,
            QmHypervisor.class, Scope::qm);

    private final boolean schemaAudit;
    /** Open scopes by the unique id of the class or test they belong to. */
    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    private final Set<String> perClassIds = ConcurrentHashMap.newKeySet();
    private volatile Scope current;

    /** Per test, no schema audit (what {@code @ExtendWith(PhoenixExtension.class)} makes). */
    public PhoenixExtension() {
        this(false);
    }

    private PhoenixExtension(boolean schemaAudit) {
        this.schemaAudit = schemaAudit;
    }

    /** A new extension; kept in a static {@code @RegisterExtension} field it serves the whole class. */
    public static PhoenixExtension create() {
        return new PhoenixExtension();
    }

    /**
     * The same extension with every request to the simulator checked against the official PVE 8.4
     * and 9.1 schemas ({@code SchemaAudit.shared()}): a malformed request is answered {@code 400}
     * as PVE does. Needs the reference data ({@code PveApiReference}: the system property
     * {@code phoenix.shared.dir}).
     */
    public PhoenixExtension withSchemaAudit() {
        return new PhoenixExtension(true);
    }

    // ---- lifecycle ------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        // a @Nested class shares the scope of the class around it
        if (enclosingScope(context).isEmpty() && isStaticFieldOf(context.getRequiredTestClass())) {
            open(context.getUniqueId());
            perClassIds.add(context.getUniqueId());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClassIds.remove(context.getUniqueId())) {
            close(context.getUniqueId());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<Scope> classScope = enclosingScope(context);
        if (classScope.isPresent()) {
            current = classScope.get();
        } else {
            open(context.getUniqueId());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (scopes.containsKey(context.getUniqueId())) {
            close(context.getUniqueId());
        }
    }

    private void open(String id) {
        Scope scope = new Scope(schemaAudit);
        scopes.put(id, scope);
        current = scope;
    }

    private void close(String id) {
        Scope scope = scopes.remove(id);
        if (scope == current) {
            current = null;
        }
        if (scope != null) {
            scope.close();
        }
    }

    /** True when this instance is held by a static field of {@code type} or a class it is nested in. */
    private boolean isStaticFieldOf(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) && PhoenixExtension.class.isAssignableFrom(f.getType())) {
                        try {
                            f.setAccessible(true);
                            if (f.get(null) == this) {
                                return true;
                            }
                        } catch (ReflectiveOperationException | RuntimeException e) {
                            // a field we cannot read is not ours
                        }
                    }
                }
            }
        }
        return false;
    }

    /** The open scope of {@code context} or the nearest class or test around it. */
    private Optional<Scope> enclosingScope(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Scope scope = scopes.get(c.get().getUniqueId());
            if (scope != null) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }

    // ---- injection --------------------------------------------------------------------------

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return RESOLVABLE.containsKey(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        Scope scope = enclosingScope(extensionContext).orElseThrow(() -> new ParameterResolutionException(
                "no Phoenix resources for " + type.getSimpleName() + " in " + parameterContext.getDeclaringExecutable()
                        + ": per test, they exist from @BeforeEach to @AfterEach; keep the PhoenixExtension in a"
                        + " static @RegisterExtension field to inject into the constructor or @BeforeAll"));
        return RESOLVABLE.get(type).apply(scope);
    }

    // ---- the field's view -------------------------------------------------------------------

    /** The fake of the running test (or class, per class); the simulator's model once one is started. */
    public FakeHypervisor fake() {
        return scope().fake();
    }

    /** The cluster of the running test (or class): the fake served by a started simulator. */
    public SimulatedCluster cluster() {
        return scope().cluster();
    }

    /** The started simulator over {@link #fake()}. */
    public PveSimulator simulator() {
        return cluster().simulator();
    }

    /** The API backend talking to {@link #simulator()} over HTTPS, its certificate pinned. */
    public ProxmoxApi api() {
        return scope().api();
    }

    /** The qm backend talking to {@link #simulator()} over SSH, its host key pinned. */
    public QmHypervisor qm() {
        return scope().qm();
    }

    private Scope scope() {
        Scope scope = current;
        if (scope == null) {
            throw new IllegalStateException("no test is running with this PhoenixExtension (per test, its resources"
                    + " exist from @BeforeEach to @AfterEach)");
        }
        return scope;
    }

    @Override
    public String toString() {
        return "PhoenixExtension[" + (schemaAudit ? "schema audit" : "no schema audit") + ", " + scopes.size() + " open]";
    }
}
