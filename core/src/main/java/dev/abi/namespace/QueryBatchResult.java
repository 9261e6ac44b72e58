package dev.abi.namespace;

import java.util.List;

/** The results of several queries, in the order asked, all answered from the one state {@code version}. */
public record QueryBatchResult(List<List<QueryResult.Match>> results, long version) {}
