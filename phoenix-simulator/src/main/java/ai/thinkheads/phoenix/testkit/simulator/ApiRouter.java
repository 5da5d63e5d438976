package ai.thinkheads.phoenix.testkit.simulator;

import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PermissionDeniedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps (method, path template) to handlers, the way pve-manager's {@code PVE::API2->find_handler}
 * does: templates such as {@code /nodes/{node}/qemu/{vmid}/config}; path variables are merged into
 * the parameters, and a parameter given both in the path and the body with different values is a
 * 400 ({@code duplicate parameter (already defined in URI) with conflicting values!}). A call with
 * no route is 501 {@code Method 'GET /x' not implemented} (pve-manager {@code PVE/HTTPServer.pm}
 * rest_handler). Handler exceptions of type {@link ApiException} become their response; any other
 * {@link RuntimeException} becomes a 500 with its message, as a Perl {@code die} would, except
 * {@link ParameterRejectedException} (400 with its {@code errors} map) and
 * {@link PermissionDeniedException} (403).
 */
public final class ApiRouter {

    /** A route's code: parameters (path variables merged in) → response data. */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiCall call);
    }

    /** What a handler sees: the request and its merged parameters. */
    public record ApiCall(ApiRequest request, Map<String, String> params) {
        public String require(String name) {
            String v = params.get(name);
            if (v == null) {
                throw new ApiException(Map.of(name, "property is missing and it is not optional"));
            }
            return v;
        }

        public String get(String name, String fallback) {
            return params.getOrDefault(name, fallback);
        }

        public List<String> all(String name) {
            return request.params().getOrDefault(name, List.of());
        }
    }

    private record Route(String method, String template, Pattern pattern, List<String> vars, Handler handler) {
    }

    private static final Pattern VAR = Pattern.compile("\\{([a-z_]+)\\}");
    private final List<Route> routes = new ArrayList<>();
    private final UploadedFiles uploadedFiles = new UploadedFiles();
    private volatile Function<ApiRequest, Map<String, String>> validator;
    private volatile Consumer<ApiRequest> observer;
    private volatile BiFunction<String, Supplier<Object>, Object> callerScope = (user, action) -> action.get();

    /**
     * Checks every request before it is routed, whichever face it came through; a non-empty result
     * is answered with 400 {@code Parameter verification failed.} and those errors, as PVE answers
     * a request its schema refuses.
     */
    public ApiRouter validator(Function<ApiRequest, Map<String, String>> check) {
        this.validator = check;
        return this;
    }

    /**
     * Runs each handler inside {@code scope(userId, handler)}, so the cluster knows who is calling
     * (the fake names that user in the UPIDs of the tasks it starts).
     */
    public ApiRouter callerScope(BiFunction<String, Supplier<Object>, Object> scope) {
        this.callerScope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    /** Where the HTTP face puts upload file parts for the upload handler ({@code tmpfilename}). */
    public UploadedFiles uploadedFiles() {
        return uploadedFiles;
    }

    /** Sees every request before it is routed, whichever face it came through (recording, counting). */
    public ApiRouter observer(Consumer<ApiRequest> watcher) {
        this.observer = watcher;
        return this;
    }

    /** Adds a route; {@code template} uses {@code {var}} segments. Later registrations do not override earlier ones. */
    public ApiRouter route(String method, String template, Handler handler) {
        List<String> vars = new ArrayList<>();
        Matcher m = VAR.matcher(template);
        StringBuilder regex = new StringBuilder("^");
        int last = 0;
        while (m.find()) {
            // {volume} takes the rest of the path, slashes and all, as pve-storage's content
            // handlers do (fragmentDelimiter '': volume ids such as local:snippets/a.yaml)
            boolean rest = m.group(1).equals("volume") && m.end() == template.length();
            regex.append(Pattern.quote(template.substring(last, m.start()))).append(rest ? "(.+?)" : "([^/]+)");
            vars.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append("/?$");
        routes.add(new Route(method, template, Pattern.compile(regex.toString()), List.copyOf(vars),
                Objects.requireNonNull(handler)));
        return this;
    }

    /** The route template that serves this call, for logging and schema look-ups; null if none. */
    public String templateFor(String method, String path) {
        for (Route r : routes) {
            if (r.method.equals(method) && r.pattern.matcher(path).matches()) {
                return r.template;
            }
        }
        return null;
    }

    public ApiResponse dispatch(ApiRequest request) {
        Consumer<ApiRequest> watcher = observer;
        if (watcher != null) {
            watcher.accept(request);
        }
        Function<ApiRequest, Map<String, String>> check = validator;
        if (check != null) {
            Map<String, String> errors = check.apply(request);
            if (!errors.isEmpty()) {
                return ApiResponse.parameterErrors(errors);
            }
        }
        for (Route r : routes) {
            if (!r.method.equals(request.method())) {
                continue;
            }
            Matcher m = r.pattern.matcher(request.path());
            if (!m.matches()) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>(request.singleParams());
            for (int i = 0; i < r.vars.size(); i++) {
                String name = r.vars.get(i);
                String value = java.net.URLDecoder.decode(m.group(i + 1), java.nio.charset.StandardCharsets.UTF_8);
                String given = params.get(name);
                if (given != null && !given.equals(value)) {
                    return ApiResponse.parameterErrors(Map.of(name,
                            "duplicate parameter (already defined in URI) with conflicting values!"));
                }
                params.put(name, value);
            }
            try {
                ApiCall call = new ApiCall(request, params);
                Handler handler = r.handler;
                return ApiResponse.ok(callerScope.apply(request.userId(), () -> handler.handle(call)));
            } catch (ApiException e) {
                return e.response();
            } catch (ParameterRejectedException e) {
                return ApiResponse.parameterErrors(e.errors());
            } catch (PermissionDeniedException e) {
                return ApiResponse.error(403, e.getMessage() + "\n");
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                return ApiResponse.error(500, msg.endsWith("\n") ? msg : msg + "\n");
            }
        }
        return ApiResponse.error(501, "Method '" + request.method() + " " + request.path() + "' not implemented\n");
    }
}
