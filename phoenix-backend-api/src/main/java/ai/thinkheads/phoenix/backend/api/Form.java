package ai.thinkheads.phoenix.backend.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The parameters of one request, in order, as pveproxy reads them: form fields for POST/PUT, the
 * query string for GET/DELETE (pve-http-server {@code extract_params} reads a body only for PUT and
 * POST). Booleans go as {@code 1}/{@code 0}; an array parameter is its key repeated once per item
 * ({@code decode_urlencoded} collects repeated keys into an array). Values of keys that carry
 * secrets are remembered so error texts can be scrubbed of them.
 */
final class Form {

    /**
     * Keys whose values are secrets wherever they appear: the cloud-init password, login fields,
     * and a guest command's stdin ({@code input-data}, how a password reaches e.g. chpasswd).
     */
    static final Set<String> SENSITIVE_KEYS = Set.of("cipassword", "password", "tfa-challenge", "otp", "input-data");

    record Field(String key, String value) {
    }

    private final List<Field> fields = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    static Form empty() {
        return new Form();
    }

    Form add(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, () -> "value of " + key);
        fields.add(new Field(key, value));
        if (SENSITIVE_KEYS.contains(key) && !value.isEmpty()) {
            secrets.add(value);
        }
        return this;
    }

    Form add(String key, long value) {
        return add(key, Long.toString(value));
    }

    /** Adds {@code key} only when {@code value} is not null. */
    Form addIfPresent(String key, String value) {
        return value == null ? this : add(key, value);
    }

    /** {@code 1} or {@code 0}. */
    Form flag(String key, boolean value) {
        return add(key, value ? "1" : "0");
    }

    /** {@code key=1} when {@code value}; nothing otherwise (the schema default is off). */
    Form flagIfSet(String key, boolean value) {
        return value ? add(key, "1") : this;
    }

    /** An array parameter: the key once per item. */
    Form addAll(String key, List<String> values) {
        values.forEach(v -> add(key, v));
        return this;
    }

    Form addAll(Map<String, String> values) {
        values.forEach(this::add);
        return this;
    }

    List<Field> fields() {
        return Collections.unmodifiableList(fields);
    }

    List<String> secrets() {
        return Collections.unmodifiableList(secrets);
    }

    boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public String toString() {
        // names only: values may be secrets
        return "Form" + fields.stream().map(Field::key).toList();
    }
}
