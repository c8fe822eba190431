// sql/pg_convert checked against libpg_query's own protobuf output, for
// pg_convert_test.cc and fuzz/pg_convert_fuzz.cc. Header-only: the fuzz
// target links pg_convert.c and libpg_query, nothing else of strata.
#pragma once

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "sql/pg_convert.h"

namespace strata::sql::pg_convert_check {

// The path of the first field where two messages of the same type differ
// ("stmts[0].stmt.select_stmt.limit_option: 2 != 1"), or "".
inline std::string FirstDifference(const ProtobufCMessage* a, const ProtobufCMessage* b, const std::string& path) {
  if (a == nullptr || b == nullptr) return a == b ? "" : path + ": present on one side only";
  const ProtobufCMessageDescriptor* d = a->descriptor;
  auto at = [](const ProtobufCMessage* m, unsigned offset) { return reinterpret_cast<const char*>(m) + offset; };
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor* f = &d->fields[i];
    std::string here = path + "." + f->name;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t ca = *reinterpret_cast<const uint32_t*>(at(a, f->quantifier_offset));
      uint32_t cb = *reinterpret_cast<const uint32_t*>(at(b, f->quantifier_offset));
      if (ca != cb) return here + ": oneof case " + std::to_string(ca) + " != " + std::to_string(cb);
      if (ca != f->id) continue;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t na = *reinterpret_cast<const size_t*>(at(a, f->quantifier_offset));
      size_t nb = *reinterpret_cast<const size_t*>(at(b, f->quantifier_offset));
      if (na != nb) return here + ": " + std::to_string(na) + " != " + std::to_string(nb) + " elements";
      if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        auto* ea = *reinterpret_cast<ProtobufCMessage* const* const*>(at(a, f->offset));
        auto* eb = *reinterpret_cast<ProtobufCMessage* const* const*>(at(b, f->offset));
        for (size_t k = 0; k < na; ++k) {
          std::string r = FirstDifference(ea[k], eb[k], here + "[" + std::to_string(k) + "]");
          if (!r.empty()) return r;
        }
      }
      continue;
    }
    switch (f->type) {
      case PROTOBUF_C_TYPE_MESSAGE: {
        std::string r = FirstDifference(*reinterpret_cast<ProtobufCMessage* const*>(at(a, f->offset)),
                                        *reinterpret_cast<ProtobufCMessage* const*>(at(b, f->offset)), here);
        if (!r.empty()) return r;
        break;
      }
      case PROTOBUF_C_TYPE_STRING: {
        const char* sa = *reinterpret_cast<char* const*>(at(a, f->offset));
        const char* sb = *reinterpret_cast<char* const*>(at(b, f->offset));
        if (std::string(sa ? sa : "") != (sb ? sb : "")) return here + ": '" + sa + "' != '" + sb + "'";
        break;
      }
      case PROTOBUF_C_TYPE_BOOL:
      case PROTOBUF_C_TYPE_ENUM:
      case PROTOBUF_C_TYPE_INT32:
      case PROTOBUF_C_TYPE_UINT32: {
        int32_t va = *reinterpret_cast<const int32_t*>(at(a, f->offset));
        int32_t vb = *reinterpret_cast<const int32_t*>(at(b, f->offset));
        if (va != vb) return here + ": " + std::to_string(va) + " != " + std::to_string(vb);
        break;
      }
      default:
        break;
    }
  }
  return "";
}

// What differs between strata_pg_parse and pg_query_parse_protobuf on `sql`
// ("" when nothing does): one side failing alone, another error message or
// position, or packed bytes that differ (with the first differing field).
inline std::string DifferenceFromLibpgQuery(const std::string& sql) {
  struct Arena {
    std::vector<void*> blocks;
    ~Arena() {
      for (void* b : blocks) std::free(b);
    }
  } arena;
  ProtobufCAllocator allocator{[](void* a, size_t size) {
                                 void* p = std::malloc(size != 0 ? size : 1);
                                 static_cast<Arena*>(a)->blocks.push_back(p);
                                 return p;
                               },
                               [](void*, void*) {}, &arena};
  PgQueryProtobufParseResult theirs = pg_query_parse_protobuf(sql.c_str());
  StrataPgParse ours = strata_pg_parse(sql.c_str(), &allocator);
  std::string difference;
  if (theirs.error != nullptr || ours.error != nullptr) {
    if (theirs.error == nullptr || ours.error == nullptr) {
      difference = "only one side failed to parse";
    } else if (std::string(theirs.error->message) != ours.error->message ||
               theirs.error->cursorpos != ours.error->cursorpos) {
      difference = "another error: '" + std::string(theirs.error->message) + "' at " +
                   std::to_string(theirs.error->cursorpos) + " != '" + ours.error->message + "' at " +
                   std::to_string(ours.error->cursorpos);
    }
  } else {
    PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
    result.version = PG_VERSION_NUM;
    result.n_stmts = ours.n_stmts;
    result.stmts = ours.stmts;
    std::string packed(pg_query__parse_result__get_packed_size(&result), '\0');
    pg_query__parse_result__pack(&result, reinterpret_cast<uint8_t*>(&packed[0]));
    std::string expected(theirs.parse_tree.data, theirs.parse_tree.len);
    if (packed != expected) {
      size_t at = 0;
      while (at < packed.size() && at < expected.size() && packed[at] == expected[at]) ++at;
      PgQuery__ParseResult* unpacked = pg_query__parse_result__unpack(
          nullptr, theirs.parse_tree.len, reinterpret_cast<const uint8_t*>(theirs.parse_tree.data));
      difference = "the tree differs from libpg_query's at byte " + std::to_string(at) + " of " +
                   std::to_string(expected.size()) + " (ours " + std::to_string(packed.size()) + "), first at " +
                   FirstDifference(&unpacked->base, &result.base, "") + " (theirs != ours)";
      pg_query__parse_result__free_unpacked(unpacked, nullptr);
    }
  }
  if (ours.error != nullptr) strata_pg_free_error(ours.error);
  pg_query_free_protobuf_parse_result(theirs);
  return difference;
}

}  // namespace strata::sql::pg_convert_check
