#include "descriptors.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "proto_files.h"

namespace gongtongctl {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

namespace {

absl::string_view StripLeadingSeparators(absl::string_view name) {
  while (!name.empty() && (name.front() == '/' || name.front() == '.')) name.remove_prefix(1);
  return name;
}

std::string MethodNames(const ServiceDescriptor& service) {
  std::vector<std::string> names;
  for (int i = 0; i < service.method_count(); ++i) names.push_back(service.method(i)->name());
  return names.empty() ? "(none)" : absl::StrJoin(names, ", ");
}

std::string MethodSignature(const MethodDescriptor& m) {
  return absl::StrCat("rpc ", m.name(), "(", m.client_streaming() ? "stream " : "",
                      m.input_type()->full_name(), ") returns (",
                      m.server_streaming() ? "stream " : "", m.output_type()->full_name(), ")");
}

}  // namespace

CallKind KindOf(const MethodDescriptor& method) {
  if (method.client_streaming() && method.server_streaming()) return CallKind::kBidiStreaming;
  if (method.client_streaming()) return CallKind::kClientStreaming;
  if (method.server_streaming()) return CallKind::kServerStreaming;
  return CallKind::kUnary;
}

const char* CallKindName(CallKind kind) {
  switch (kind) {
    case CallKind::kUnary: return "unary";
    case CallKind::kServerStreaming: return "server-streaming";
    case CallKind::kClientStreaming: return "client-streaming";
    case CallKind::kBidiStreaming: return "bidi-streaming";
  }
  return "unknown";
}

std::string MethodPath(const MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

Catalog Catalog::Generated() {
  return Catalog(DescriptorPool::generated_pool(), CompiledProtoFiles());
}

Catalog::Catalog(const DescriptorPool* pool, const std::vector<std::string>& files)
    : pool_(pool) {
  for (const std::string& name : files) {
    const FileDescriptor* file = pool_->FindFileByName(name);
    if (file == nullptr) {
      missing_.push_back(name);
      continue;
    }
    files_.push_back(file);
    for (int i = 0; i < file->service_count(); ++i) services_.push_back(file->service(i));
  }
}

absl::StatusOr<const ServiceDescriptor*> Catalog::FindService(absl::string_view raw) const {
  absl::string_view name = StripLeadingSeparators(raw);
  if (name.empty()) return absl::InvalidArgumentError("empty service name");
  if (const ServiceDescriptor* s = pool_->FindServiceByName(std::string(name))) return s;
  std::vector<const ServiceDescriptor*> matches;
  for (const ServiceDescriptor* s : services_) {
    if (s->name() == name || absl::EndsWith(s->full_name(), absl::StrCat(".", name))) {
      matches.push_back(s);
    }
  }
  if (matches.size() == 1) return matches.front();
  if (matches.size() > 1) {
    std::vector<std::string> names;
    for (const ServiceDescriptor* s : matches) names.push_back(s->full_name());
    return absl::InvalidArgumentError(absl::StrCat("service name \"", name,
                                                   "\" is ambiguous: ", absl::StrJoin(names, ", ")));
  }
  return absl::NotFoundError(absl::StrCat("unknown service \"", name,
                                          "\" (run `gongtongctl list` to see the services)"));
}

absl::StatusOr<const MethodDescriptor*> Catalog::FindMethod(absl::string_view raw) const {
  absl::string_view name = StripLeadingSeparators(raw);
  size_t sep = name.rfind('/');
  if (sep == absl::string_view::npos) sep = name.rfind('.');
  if (sep == absl::string_view::npos) {
    // A bare method name: accept it when exactly one known service has it.
    std::vector<const MethodDescriptor*> matches;
    for (const ServiceDescriptor* s : services_) {
      if (const MethodDescriptor* m = s->FindMethodByName(std::string(name))) matches.push_back(m);
    }
    if (matches.size() == 1) return matches.front();
    if (matches.empty()) {
      return absl::NotFoundError(absl::StrCat(
          "unknown method \"", name,
          "\": give it as package.Service/Method (run `gongtongctl list` to see the methods)"));
    }
    std::vector<std::string> names;
    for (const MethodDescriptor* m : matches) names.push_back(MethodPath(*m).substr(1));
    return absl::InvalidArgumentError(absl::StrCat("method name \"", name,
                                                   "\" is ambiguous: ", absl::StrJoin(names, ", ")));
  }
  absl::string_view service_name = name.substr(0, sep);
  std::string method_name(name.substr(sep + 1));
  if (method_name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", raw, "\" names no method: want package.Service/Method"));
  }
  absl::StatusOr<const ServiceDescriptor*> service = FindService(service_name);
  if (!service.ok()) return service.status();
  if (const MethodDescriptor* m = (*service)->FindMethodByName(method_name)) return m;
  return absl::NotFoundError(absl::StrCat("service ", (*service)->full_name(),
                                          " has no method \"", method_name,
                                          "\"; its methods: ", MethodNames(**service)));
}

std::string Catalog::List(const ServiceDescriptor* only) const {
  std::string out;
  auto render = [&out](const ServiceDescriptor& s) {
    absl::StrAppend(&out, s.full_name(), "  (", s.file()->name(), ")\n");
    for (int i = 0; i < s.method_count(); ++i) {
      const MethodDescriptor& m = *s.method(i);
      absl::StrAppend(&out, "  ", MethodSignature(m));
      if (KindOf(m) != CallKind::kUnary) absl::StrAppend(&out, "  [", CallKindName(KindOf(m)), "]");
      absl::StrAppend(&out, "\n");
    }
  };
  if (only != nullptr) {
    render(*only);
    return out;
  }
  for (const ServiceDescriptor* s : services_) render(*s);
  if (services_.empty()) out = "(no services compiled in)\n";
  return out;
}

const Descriptor* Catalog::FindMessageBySimpleName(absl::string_view name) const {
  const Descriptor* found = nullptr;
  for (const FileDescriptor* f : files_) {
    for (int i = 0; i < f->message_type_count(); ++i) {
      if (f->message_type(i)->name() == name) {
        if (found != nullptr) return nullptr;  // ambiguous
        found = f->message_type(i);
      }
    }
  }
  return found;
}

absl::StatusOr<std::string> Catalog::Describe(absl::string_view raw) const {
  absl::string_view name = StripLeadingSeparators(raw);
  if (name.empty()) return absl::InvalidArgumentError("describe needs a NAME");
  const std::string full(name);
  if (name.find('/') == absl::string_view::npos) {
    if (const ServiceDescriptor* s = pool_->FindServiceByName(full)) {
      return absl::StrCat("// ", s->file()->name(), "\n", s->DebugString());
    }
    if (const Descriptor* d = pool_->FindMessageTypeByName(full)) {
      return absl::StrCat("// ", d->file()->name(), "\n", d->DebugString());
    }
    if (const EnumDescriptor* e = pool_->FindEnumTypeByName(full)) {
      return absl::StrCat("// ", e->file()->name(), "\n", e->DebugString());
    }
  }
  absl::StatusOr<const MethodDescriptor*> method = FindMethod(name);
  if (method.ok()) {
    const MethodDescriptor& m = **method;
    return absl::StrCat("// ", MethodPath(m), "  [", CallKindName(KindOf(m)), "]\n",
                        m.DebugString(), "\n", m.input_type()->DebugString(), "\n",
                        m.output_type()->DebugString());
  }
  if (name.find('/') == absl::string_view::npos) {
    absl::StatusOr<const ServiceDescriptor*> service = FindService(name);
    if (service.ok()) return absl::StrCat("// ", (*service)->file()->name(), "\n",
                                          (*service)->DebugString());
    if (const Descriptor* d = FindMessageBySimpleName(name)) {
      return absl::StrCat("// ", d->file()->name(), "\n", d->DebugString());
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "nothing named \"", name,
      "\": give a service, package.Service/Method or a message's full name"));
}

}  // namespace gongtongctl
