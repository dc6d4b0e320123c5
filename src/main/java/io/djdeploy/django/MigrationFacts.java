package io.djdeploy.django;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * What the Python helper's {@code migrations} command reports: facts from Django's own
 * migration machinery (executor plan, recorder, loader, project state). Java classifies them.
 */
public record MigrationFacts(String django, String vendor, String mode, Map<String, List<String>> conflicts,
                             String inconsistent, List<List<String>> applied, List<List<String>> known,
                             Map<String, String> leaves, List<Migration> migrations, String error, String dbError,
                             Boolean dbMissing) {

    /** No migration applied yet: nothing runs against this database and it holds no data to lose. */
    public boolean freshDatabase() {
        return "pending".equals(mode) && (Boolean.TRUE.equals(dbMissing) || applied == null || applied.isEmpty()) && dbError == null;
    }

    public List<Migration> migrations() {
        return migrations == null ? List.of() : migrations;
    }

    /**
     * The same facts with only some migrations; with mode "subset" they are judged as pending
     * against a database in use (never a fresh database), e.g. those a pull request adds.
     */
    public MigrationFacts only(java.util.function.Predicate<Migration> keep, String mode) {
        return new MigrationFacts(django, vendor, mode, conflicts, inconsistent, applied, known, leaves,
                migrations().stream().filter(keep).toList(), error, dbError, "subset".equals(mode) ? Boolean.FALSE : dbMissing);
    }

    /** One migration: pending (or, with --all, every one from an empty database). */
    /** @param file its path, relative to the project when inside it (as git names it); djangoApp: one of Django's own apps */
    public record Migration(String app, String name, Boolean atomic, Boolean initial, List<String> sql, String sqlError,
                            List<Operation> operations, String file, Boolean djangoApp) {
        public String id() {
            return app + "." + name;
        }

        public List<Operation> operations() {
            return operations == null ? List.of() : operations;
        }
    }

    /** One operation with the attributes that decide its class (see domain-notes). */
    public record Operation(String type, String description, Boolean reversible, String model, String table,
                            Boolean tableCreatedHere, String field, Field fieldDef, Field oldField, Field newField,
                            String oldName, String newName, Index index, Constraint constraint,
                            List<List<String>> together, Boolean reverseCode, Boolean reverseSql,
                            List<Operation> databaseOperations, List<Operation> stateOperations,
                            String oldColumn, String newColumn, String oldTable, String newTable,
                            Boolean preserveDefault, String defaultRepr, List<String> referencedBy,
                            List<List<String>> oldTogether) {
        public boolean createdHere() {
            return Boolean.TRUE.equals(tableCreatedHere);
        }

        /** The same operation on a table that an earlier pending migration of the plan creates. */
        public Operation onNewTable() {
            return new Operation(type, description, reversible, model, table, true, field, fieldDef, oldField, newField, oldName,
                    newName, index, constraint, together, reverseCode, reverseSql, databaseOperations, stateOperations,
                    oldColumn, newColumn, oldTable, newTable, preserveDefault, defaultRepr, referencedBy, oldTogether);
        }

        /** makemigrations' one-off default: written into every existing row, then dropped. */
        public boolean oneOffDefault() {
            return Boolean.FALSE.equals(preserveDefault);
        }
    }

    public record Field(String type, @JsonProperty("null") Boolean nullable, Boolean blank, Boolean unique, Boolean dbIndex,
                        Boolean primaryKey, Boolean isRelation, Boolean manyToMany, Integer maxLength, Boolean hasDefault,
                        Boolean dbDefault, Boolean dbDefaultConstant, Boolean generated, Boolean dbPersist) {
        boolean isNull() { return Boolean.TRUE.equals(nullable); }
        boolean isUnique() { return Boolean.TRUE.equals(unique) || Boolean.TRUE.equals(primaryKey); }
        boolean isIndexed() { return Boolean.TRUE.equals(dbIndex) || Boolean.TRUE.equals(isRelation) && !Boolean.TRUE.equals(manyToMany); }
        boolean isM2m() { return Boolean.TRUE.equals(manyToMany); }
        boolean hasDbDefault() { return Boolean.TRUE.equals(dbDefault); }
        /** A GeneratedField (Django 5.0+): the database computes it; INSERTs never name it. */
        boolean isGenerated() { return Boolean.TRUE.equals(generated); }
    }

    public record Index(String name, List<String> fields, Boolean concurrently) {}

    public record Constraint(String kind, String name, Boolean condition) {
        boolean unique() { return "unique".equals(kind); }
    }
}
