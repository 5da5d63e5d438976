# Sourced by bin/phoenix and bin/phoenix-shell: build a module (and what it needs) once, and reuse
# that build while nothing changed.
#
#   phoenix_build_once MODULE REBUILD [EXTRA...]
#
# Run from the repository root. Builds MODULE with Maven (quietly, without tests) and writes its
# runtime class path to MODULE/target/classpath.txt, unless nothing changed since the last build it
# made: no POM, source or EXTRA file newer than the stamp MODULE/target/build-once.stamp, and every
# jar of the class path still there. REBUILD=1 builds anyway. The stamp is made before the build
# starts, so a file changed while it runs is newer than the stamp. Maven's output goes to stderr.
# Afterwards PHOENIX_CLASSPATH holds MODULE/target/classes and the class path. With PHOENIX_NO_BUILD=1
# it never builds: when a build is needed it says so and exits with status 3 (for tests that must not
# start Maven).

phoenix_up_to_date() {
    local module=$1 rebuild=$2
    shift 2
    local cp_file=$module/target/classpath.txt stamp=$module/target/build-once.stamp
    [ "$rebuild" != 1 ] && [ -f "$stamp" ] && [ -f "$cp_file" ] || return 1
    [ -z "$(find pom.xml ./*/pom.xml ./*/src "$@" -newer "$stamp" -print -quit 2>/dev/null)" ] || return 1
    local jars jar
    IFS=: read -r -a jars < "$cp_file"
    for jar in "${jars[@]}"; do
        [ -e "$jar" ] || return 1
    done
}

phoenix_build_once() {
    local module=$1 rebuild=$2
    shift 2
    local stamp=$module/target/build-once.stamp
    if ! phoenix_up_to_date "$module" "$rebuild" "$@"; then
        if [ "${PHOENIX_NO_BUILD:-0}" = 1 ]; then
            echo "$module needs a build and PHOENIX_NO_BUILD=1 forbids it" >&2
            exit 3
        fi
        mkdir -p "$module/target"
        touch "$stamp.next"
        mvn -B -q -pl "$module" -am -DskipTests package dependency:build-classpath \
            -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
        mv "$stamp.next" "$stamp"
    fi
    PHOENIX_CLASSPATH="$(pwd)/$module/target/classes:$(cat "$module/target/classpath.txt")"
}
