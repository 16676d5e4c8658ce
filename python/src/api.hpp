// SPDX-License-Identifier: MIT
// The binding framework of the nusi Python module: Python-facing callables with keyword arguments
// (signature, arguments), groups of keywords that set the members of a library struct with defaults
// read from a default-constructed struct (keyword_group, as the tool's flags.hpp), and result objects
// whose attributes are named fields (result_type). Every callable is also recorded for the type stub
// (python/generate_stub.py). Bindings only: no physics here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

namespace nusi_python {
namespace py = pybind11;

// --- errors -----------------------------------------------------------------------------------------

/// Raises ValueError "function: keyword must be <requirement>, got <repr(value)>" (the library's message shape).
[[noreturn]] void raise_value_error(std::string_view function, std::string_view keyword, std::string_view requirement,
                                    py::handle got);
/// Raises TypeError "function: keyword must be <requirement>, got <type name>".
[[noreturn]] void raise_type_error(std::string_view function, std::string_view keyword, std::string_view requirement,
                                   py::handle got);

// --- the stub registry --------------------------------------------------------------------------------

/// One parameter of a Python-facing callable: name, stub annotation, default (a Python expression, empty
/// when required), one documentation line with unit and equation, and whether it is keyword-only.
struct parameter {
  std::string name;
  std::string annotation;
  std::string default_text;
  std::string doc;
  bool keyword_only = true;
};

/// Records an entry of the type stub in the module's `_api` list (read by python/generate_stub.py):
/// kind is "function", "method", "staticmethod", "init", "class", "property" or "attribute".
void record_api(py::module_& m, const py::dict& entry);

// --- values -------------------------------------------------------------------------------------------

/// The Python expression of a default value: repr() of the float, int, bool or str.
std::string default_text(double value);
std::string default_text(long long value);
std::string default_text(bool value);
std::string default_text(const std::string& value);
/// The shortest decimal x (as text) with 10^x == value exactly (std::pow), as the tool's flag_value:
/// the default of a log10 keyword whose struct holds 10^x.
std::string log10_default_text(double value);

/// A string keyword mapped to an enumeration: (name, value) pairs, the names being the enumerators'.
template <class E>
using choices = std::vector<std::pair<std::string, E>>;

template <class E>
const std::string& choice_name(const choices<E>& table, E value) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  throw std::logic_error("nusi_python: an enumerator without a name in its choices table");
}

/// "Literal['a', 'b']" for the stub.
template <class E>
std::string choice_annotation(const choices<E>& table) {
  std::string out = "Literal[";
  for (std::size_t i = 0; i < table.size(); ++i) out += (i ? ", '" : "'") + table[i].first + "'";
  return out + "]";
}

// --- signature and arguments ----------------------------------------------------------------------------

class signature;

/// The arguments of one call, by parameter index (borrowed handles, valid during the call), with
/// typed reads that raise TypeError or ValueError naming the function and the keyword.
class arguments {
 public:
  arguments(const signature& sig, std::string_view function) : sig_(&sig), function_(function) {}
  bool given(std::size_t i) const { return values_[i] != nullptr; }
  py::handle operator[](std::size_t i) const { return values_[i]; }
  std::string_view function() const { return function_; }
  const std::string& name(std::size_t i) const;

  /// A real number (float, int or NumPy scalar).
  double real(std::size_t i) const;
  /// A real number in [lo, hi] (ValueError otherwise).
  double real_in(std::size_t i, double lo, double hi) const;
  /// An integer >= 0 (int or NumPy integer; not a float).
  std::uint64_t count(std::size_t i) const;
  /// True or False (bool or NumPy bool).
  bool flag(std::size_t i) const;
  /// A str.
  std::string text(std::size_t i) const;
  /// One of the names of a choices table.
  template <class E>
  E choice(std::size_t i, const choices<E>& table) const {
    const std::string s = text(i);
    for (const auto& [name, value] : table)
      if (name == s) return value;
    std::string need = "one of ";
    for (std::size_t k = 0; k < table.size(); ++k) need += (k ? ", '" : "'") + table[k].first + "'";
    raise_value_error(function_, name(i), need, values_[i]);
  }
  /// A one-dimensional array of reals (any sequence or array convertible to float64).
  std::vector<double> reals(std::size_t i) const;
  /// Whether the value is a scalar (a Python or NumPy number, or a 0-d array) rather than an array.
  bool is_scalar(std::size_t i) const;

 private:
  friend class signature;
  const signature* sig_;
  std::string_view function_;
  std::vector<PyObject*> values_;
};

/// The parameters of a callable, in order; parses (*args, **kwargs) into arguments.
class signature {
 public:
  /// Adds a parameter; returns its index. Throws std::logic_error on a duplicate name.
  std::size_t add(parameter p);
  std::size_t size() const { return params_.size(); }
  const parameter& operator[](std::size_t i) const { return params_[i]; }
  /// Positional arguments fill the positional parameters in order; keywords go by name. Raises
  /// TypeError for an unknown keyword, a repeated one, too many positional arguments or a missing
  /// required one, as Python does.
  arguments parse(std::string_view function, const py::args& args, const py::kwargs& kwargs) const;
  /// "(a, b, *, c=1.0)" (with "$self, " first for a method): CPython's __text_signature__ syntax.
  std::string text(bool method) const;

 private:
  std::vector<parameter> params_;
  std::unordered_map<std::string, std::size_t> index_;
};

// --- keyword groups -------------------------------------------------------------------------------------

/// Keywords that set members of a library struct T: each keyword's default is read from a default T
/// (or from the factory given), and a call applies only the keywords given onto the caller's T, so the
/// library's own defaults stay in force for the others. One group per struct, used by every callable
/// that takes it, as the tool's flags.hpp declares one group of flags per struct.
template <class T>
class keyword_group {
 public:
  using applier = std::function<void(T&, const arguments&, std::size_t)>;
  explicit keyword_group(std::function<T()> make_default = [] { return T{}; }) : make_default_(std::move(make_default)) {}

  /// A real member.
  keyword_group& real(std::string name, std::function<double&(T&)> member, std::string doc) {
    const T d = make_default_();
    T copy = d;
    return add({std::move(name), "float", default_text(member(copy)), std::move(doc)},
               [member](T& t, const arguments& a, std::size_t i) { member(t) = a.real(i); });
  }
  /// A member 10^x given as its log10 x in [lo, hi]: log10_mass_MeV sets mass_MeV = 10^x (std::pow).
  keyword_group& log10(std::string name, std::function<double&(T&)> member, double lo, double hi, std::string doc) {
    T copy = make_default_();
    return add({std::move(name), "float", log10_default_text(member(copy)), std::move(doc)},
               [member, lo, hi](T& t, const arguments& a, std::size_t i) { member(t) = std::pow(10.0, a.real_in(i, lo, hi)); });
  }
  /// An unsigned integer member (std::size_t, unsigned or std::uint64_t).
  template <class U>
  keyword_group& count(std::string name, std::function<U&(T&)> member, std::string doc) {
    T copy = make_default_();
    return add({std::move(name), "int", default_text(static_cast<long long>(member(copy))), std::move(doc)},
               [member](T& t, const arguments& a, std::size_t i) {
                 const std::uint64_t v = a.count(i);
                 if (v > static_cast<std::uint64_t>(std::numeric_limits<U>::max()))
                   raise_value_error(a.function(), a.name(i), "<= " + std::to_string(std::numeric_limits<U>::max()), a[i]);
                 member(t) = static_cast<U>(v);
               });
  }
  /// A bool member.
  keyword_group& flag(std::string name, std::function<bool&(T&)> member, std::string doc) {
    T copy = make_default_();
    return add({std::move(name), "bool", default_text(member(copy)), std::move(doc)},
               [member](T& t, const arguments& a, std::size_t i) { member(t) = a.flag(i); });
  }
  /// An enumeration member given by the enumerator's name.
  template <class E>
  keyword_group& choice(std::string name, std::function<E&(T&)> member, const choices<E>& table, std::string doc) {
    T copy = make_default_();
    return add({std::move(name), choice_annotation(table), default_text(choice_name(table, member(copy))), std::move(doc)},
               [member, table](T& t, const arguments& a, std::size_t i) { member(t) = a.choice(i, table); });
  }
  /// A std::vector<double> member given as a sequence or array.
  keyword_group& reals(std::string name, std::function<std::vector<double>&(T&)> member, std::string doc) {
    T copy = make_default_();
    const auto& d = member(copy);
    std::string text = "[";
    for (std::size_t k = 0; k < d.size(); ++k) text += (k ? ", " : "") + default_text(d[k]);
    return add({std::move(name), "ArrayLike", text + "]", std::move(doc)},
               [member](T& t, const arguments& a, std::size_t i) { member(t) = a.reals(i); });
  }
  /// Any other keyword: its parameter (default text given) and how it sets T.
  keyword_group& add(parameter p, applier apply) {
    entries_.push_back({std::move(p), std::move(apply)});
    return *this;
  }

  const std::vector<std::pair<parameter, applier>>& entries() const { return entries_; }
  T make_default() const { return make_default_(); }

 private:
  std::function<T()> make_default_;
  std::vector<std::pair<parameter, applier>> entries_;
};

/// A keyword_group placed in one signature (its first parameter index).
template <class T>
class placed_group {
 public:
  placed_group() = default;
  placed_group(std::shared_ptr<const keyword_group<T>> g, std::size_t first) : group_(std::move(g)), first_(first) {}
  /// Applies the keywords given in a onto t.
  void apply(T& t, const arguments& a) const {
    const auto& e = group_->entries();
    for (std::size_t k = 0; k < e.size(); ++k)
      if (a.given(first_ + k)) e[k].second(t, a, first_ + k);
  }
  /// A default T with the keywords given applied.
  T build(const arguments& a) const {
    T t = group_->make_default();
    apply(t, a);
    return t;
  }
  /// The index of the group's keyword `name` in the signature. Throws std::logic_error if absent.
  std::size_t index(std::string_view name) const {
    const auto& e = group_->entries();
    for (std::size_t k = 0; k < e.size(); ++k)
      if (e[k].first.name == name) return first_ + k;
    throw std::logic_error("nusi_python: no keyword " + std::string(name) + " in the group");
  }
  /// Whether any keyword of the group was given.
  bool any_given(const arguments& a) const {
    for (std::size_t k = 0; k < group_->entries().size(); ++k)
      if (a.given(first_ + k)) return true;
    return false;
  }

 private:
  std::shared_ptr<const keyword_group<T>> group_;
  std::size_t first_ = 0;
};

// --- callables ------------------------------------------------------------------------------------------

/// A Python-facing callable under construction: its name, documentation, parameters and return
/// annotation. def() binds it as a module function, a method, a static method or a constructor, with
/// CPython's text signature (help() and inspect.signature read it) and a stub entry.
class function {
 public:
  /// doc: the documentation (first line: what it returns, unit, paper equation); returns: stub annotation.
  function(std::string name, std::string doc, std::string returns)
      : name_(std::move(name)), doc_(std::move(doc)), returns_(std::move(returns)), sig_(std::make_shared<signature>()) {}

  /// A parameter that may also be given by position (in the order added; before any keyword-only one).
  std::size_t positional(std::string name, std::string annotation, std::string doc, std::string default_value = "");
  /// A keyword-only parameter.
  std::size_t keyword(std::string name, std::string annotation, std::string default_value, std::string doc);
  /// Every keyword of a group (keyword-only).
  template <class T>
  placed_group<T> add(const keyword_group<T>& group) {
    const std::size_t first = sig_->size();
    for (const auto& [p, apply] : group.entries()) sig_->add(p);
    return placed_group<T>(std::make_shared<const keyword_group<T>>(group), first);
  }

  /// Binds a module function: body(const arguments&) -> py::object.
  void def(py::module_& m, std::function<py::object(const arguments&)> body) const;
  /// Binds a method of cls: body(Self&, const arguments&) -> py::object.
  template <class Self, class... Extra>
  void def_method(py::module_& m, py::class_<Self, Extra...>& cls, std::function<py::object(const Self&, const arguments&)> body) const {
    auto sig = sig_;
    const std::string qualified = qualified_name(cls);
    cls.def(name_.c_str(), [sig, body, qualified](const Self& self, const py::args& args, const py::kwargs& kwargs) {
      return body(self, sig->parse(qualified, args, kwargs));
    }, doc_text(true).c_str());
    record(m, "method", cls);
  }
  /// Binds a static method of cls: body(const arguments&) -> py::object.
  template <class Self, class... Extra>
  void def_static(py::module_& m, py::class_<Self, Extra...>& cls, std::function<py::object(const arguments&)> body) const {
    auto sig = sig_;
    const std::string qualified = qualified_name(cls);
    cls.def_static(name_.c_str(), [sig, body, qualified](const py::args& args, const py::kwargs& kwargs) {
      return body(sig->parse(qualified, args, kwargs));
    }, doc_text(false).c_str());
    record(m, "staticmethod", cls);
  }
  /// Binds the constructor of cls: body(const arguments&) -> Self.
  template <class Self, class... Extra>
  void def_init(py::module_& m, py::class_<Self, Extra...>& cls, std::function<Self(const arguments&)> body) const {
    auto sig = sig_;
    const std::string qualified = qualified_name(cls);
    cls.def(py::init([sig, body, qualified](const py::args& args, const py::kwargs& kwargs) {
      return body(sig->parse(qualified, args, kwargs));
    }), doc_text(true, "__init__").c_str());
    record(m, "init", cls);
  }

 private:
  template <class C>
  std::string qualified_name(const C& cls) const {
    const std::string owner = py::str(cls.attr("__name__"));
    return "nusi." + owner + (name_.empty() ? "" : "." + name_);
  }
  std::string doc_text(bool method, const std::string& name = "") const;
  void record(py::module_& m, const std::string& kind, const py::handle& cls) const;

  std::string name_, doc_, returns_;
  std::shared_ptr<signature> sig_;
};

/// A read-only property of cls (getter(const Self&) -> value), with its stub annotation and documentation.
template <class Self, class... Extra, class Getter>
void def_property(py::module_& m, py::class_<Self, Extra...>& cls, const char* name, const std::string& annotation,
                  const std::string& doc, Getter getter) {
  cls.def_property_readonly(name, getter, doc.c_str());
  py::dict e;
  e["kind"] = "property";
  e["class"] = cls.attr("__name__");
  e["name"] = name;
  e["annotation"] = annotation;
  e["doc"] = doc;
  record_api(m, e);
}

/// Records a class for the stub (its name, base and documentation).
void record_class(py::module_& m, const py::handle& cls, const std::string& base, const std::string& doc);
/// A module constant with its stub annotation and documentation.
void def_constant(py::module_& m, const char* name, py::object value, const std::string& annotation, const std::string& doc);

// --- the GIL ------------------------------------------------------------------------------------------------

/// Runs f() without the GIL (the library's computations touch no Python object) and returns its value.
template <class F>
auto without_gil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

// --- vectorised inputs ----------------------------------------------------------------------------------------

/// Real inputs broadcast together (NumPy rules): scalar() when all are scalars, else shape() and the
/// element values in C order. A parameter not given takes its fallback value.
class broadcast {
 public:
  /// inputs: (index in a, fallback when not given).
  broadcast(const arguments& a, const std::vector<std::pair<std::size_t, double>>& inputs);
  bool scalar() const { return scalar_; }
  std::size_t size() const { return size_; }
  const std::vector<py::ssize_t>& shape() const { return shape_; }
  /// Value of input k at element e.
  double at(std::size_t k, std::size_t e) const { return columns_[k].size() == 1 ? columns_[k][0] : columns_[k][e]; }

 private:
  bool scalar_ = true;
  std::size_t size_ = 1;
  std::vector<py::ssize_t> shape_;
  std::vector<std::vector<double>> columns_;
};

/// A float for a scalar broadcast, else an array of its shape holding values.
py::object shaped(const broadcast& b, const std::vector<double>& values);

/// f(e) for every element e of b, computed without the GIL: a float for a scalar broadcast, else an array.
template <class F>
py::object elementwise(const broadcast& b, F f) {
  std::vector<double> out(b.size());
  {
    py::gil_scoped_release release;
    for (std::size_t e = 0; e < out.size(); ++e) out[e] = f(e);
  }
  return shaped(b, out);
}

/// A module function of real inputs broadcast together (a number gives a float, arrays an array):
/// inputs are (name, doc) pairs, f(const double* x) the value at one element.
void def_elementwise(py::module_& m, const std::string& name, const std::string& doc,
                     const std::vector<std::pair<std::string, std::string>>& inputs, std::function<double(const double*)> f);

/// The same as a method of cls: f(self, x).
template <class Self, class... Extra>
void def_elementwise_method(py::module_& m, py::class_<Self, Extra...>& cls, const std::string& name, const std::string& doc,
                            const std::vector<std::pair<std::string, std::string>>& inputs,
                            std::function<double(const Self&, const double*)> f) {
  function fn(name, doc, "float | NDArray[np.float64]");
  std::vector<std::pair<std::size_t, double>> index;
  for (const auto& [n, d] : inputs) index.emplace_back(fn.positional(n, "ArrayLike", d), 0.0);
  fn.def_method<Self>(m, cls, [index, f](const Self& self, const arguments& a) {
    const broadcast b(a, index);
    const std::size_t n = index.size();
    return elementwise(b, [&](std::size_t e) {
      double x[4] = {0, 0, 0, 0};
      for (std::size_t k = 0; k < n; ++k) x[k] = b.at(k, e);
      return f(self, x);
    });
  });
}

// --- results ------------------------------------------------------------------------------------------------

/// The base of every result: an immutable record of named fields (the keys of the tool's --json where
/// the tool prints the same quantity), each a float, int, bool, str, NumPy array or list.
struct result_base {
  std::vector<py::object> values;
  const std::vector<std::string>* names = nullptr;
};
/// The concrete C++ type of the results built from a Source (one Python class per Source).
template <class Source>
struct result_of : result_base {};

/// Binds the base class nusi.result (repr, keys, items, to_dict, [] by name).
void bind_result_base(py::module_& m);

/// A kind of result: the Python class (a subclass of nusi.result) of the records built from a Source,
/// with one documented attribute per field. make() builds one record; make_many() one whose fields
/// are arrays of a shape (scalar fields become arrays, array fields gain the trailing axis).
template <class Source>
class result_type {
 public:
  result_type(py::module_& m, const char* name, const std::string& doc)
      : module_(m), cls_(std::make_shared<py::class_<result_of<Source>, result_base>>(m, name, doc.c_str())),
        names_(std::make_shared<std::vector<std::string>>()) {
    record_class(m, *cls_, "result", doc);
  }

  /// A float field.
  result_type& real(const std::string& name, const std::string& doc, std::function<double(const Source&)> get) {
    return add(name, "float", doc, [get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
      if (!shape) return py::float_(get(*s[0]));
      py::array_t<double> out(*shape);
      double* p = out.mutable_data();
      for (std::size_t k = 0; k < s.size(); ++k) p[k] = get(*s[k]);
      return out;
    });
  }
  /// A bool field.
  result_type& flag(const std::string& name, const std::string& doc, std::function<bool(const Source&)> get) {
    return add(name, "bool", doc, [get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
      if (!shape) return py::bool_(get(*s[0]));
      py::array_t<bool> out(*shape);
      bool* p = out.mutable_data();
      for (std::size_t k = 0; k < s.size(); ++k) p[k] = get(*s[k]);
      return out;
    });
  }
  /// An integer field.
  result_type& integer(const std::string& name, const std::string& doc, std::function<long long(const Source&)> get) {
    return add(name, "int", doc, [get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
      if (!shape) return py::int_(get(*s[0]));
      py::array_t<std::int64_t> out(*shape);
      std::int64_t* p = out.mutable_data();
      for (std::size_t k = 0; k < s.size(); ++k) p[k] = get(*s[k]);
      return out;
    });
  }
  /// A str field (a list of str for many records).
  result_type& text(const std::string& name, const std::string& doc, std::function<std::string(const Source&)> get) {
    return add(name, "str", doc, [get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
      if (!shape) return py::str(get(*s[0]));
      py::list out;
      for (const auto* x : s) out.append(py::str(get(*x)));
      return out;
    });
  }
  /// A one-dimensional float array field (stacked along a trailing axis for many records).
  result_type& array(const std::string& name, const std::string& doc, std::function<std::vector<double>(const Source&)> get);
  /// A dict of float fields by key (the tool's --json objects such as {"e": F_e, "mu": ..}): get(s, k) is the value
  /// of keys[k], or nothing where it is undefined (None; NaN in the arrays of many records).
  result_type& keyed(const std::string& name, const std::string& doc, std::vector<std::string> keys,
                     std::function<std::optional<double>(const Source&, std::size_t)> get) {
    return add(name, "dict[str, Any]", doc, [keys, get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
      py::dict out;
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (!shape) {
          const auto v = get(*s[0], k);
          out[py::str(keys[k])] = v ? py::object(py::float_(*v)) : py::object(py::none());
          continue;
        }
        py::array_t<double> a(*shape);
        double* p = a.mutable_data();
        for (std::size_t e = 0; e < s.size(); ++e) p[e] = get(*s[e], k).value_or(std::numeric_limits<double>::quiet_NaN());
        out[py::str(keys[k])] = std::move(a);
      }
      return out;
    });
  }
  /// Any other value, built by get (a list of them for many records); annotation for the stub.
  result_type& object(const std::string& name, const std::string& annotation, const std::string& doc,
                      std::function<py::object(const Source&)> get) {
    return add(name, annotation, doc, [get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
      if (!shape) return get(*s[0]);
      py::list out;
      for (const auto* x : s) out.append(get(*x));
      return out;
    });
  }

  /// One record of s.
  py::object make(const Source& s) const { return build({&s}, nullptr); }
  /// One record whose fields hold the values of every s, shaped like `shape` (C order).
  py::object make_many(const std::vector<Source>& s, const std::vector<py::ssize_t>& shape) const {
    std::vector<const Source*> p;
    p.reserve(s.size());
    for (const auto& x : s) p.push_back(&x);
    return build(p, &shape);
  }
  /// make() for a scalar broadcast, else make_many() with its shape.
  py::object make(const broadcast& b, const std::vector<Source>& s) const { return b.scalar() ? make(s.at(0)) : make_many(s, b.shape()); }

 private:
  using builder = std::function<py::object(const std::vector<const Source*>&, const std::vector<py::ssize_t>*)>;
  result_type& add(const std::string& name, const std::string& annotation, const std::string& doc, builder b) {
    const std::size_t i = names_->size();
    names_->push_back(name);
    builders_.push_back(std::move(b));
    def_property(module_, *cls_, names_->back().c_str(), annotation, doc, [i](const result_base& r) { return r.values.at(i); });
    return *this;
  }
  py::object build(const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) const {
    result_of<Source> r;
    r.names = names_.get();
    r.values.reserve(builders_.size());
    for (const auto& b : builders_) r.values.push_back(b(s, shape));
    return py::cast(std::move(r));
  }

  py::module_ module_;
  std::shared_ptr<py::class_<result_of<Source>, result_base>> cls_;
  std::shared_ptr<std::vector<std::string>> names_;
  std::vector<builder> builders_;
};

/// A float64 NumPy array holding v (a copy).
py::array_t<double> to_array(const std::vector<double>& v);

template <class Source>
result_type<Source>& result_type<Source>::array(const std::string& name, const std::string& doc,
                                                std::function<std::vector<double>(const Source&)> get) {
  return add(name, "NDArray[np.float64]", doc, [get](const std::vector<const Source*>& s, const std::vector<py::ssize_t>* shape) -> py::object {
    if (!shape) return to_array(get(*s[0]));
    std::vector<std::vector<double>> rows;
    rows.reserve(s.size());
    for (const auto* x : s) rows.push_back(get(*x));
    const std::size_t n = rows.empty() ? 0 : rows[0].size();
    for (const auto& r : rows)
      if (r.size() != n) {  // ragged: a list of arrays
        py::list out;
        for (const auto& q : rows) out.append(to_array(q));
        return out;
      }
    std::vector<py::ssize_t> full = *shape;
    full.push_back(static_cast<py::ssize_t>(n));
    py::array_t<double> out(full);
    double* p = out.mutable_data();
    for (const auto& r : rows) p = std::copy(r.begin(), r.end(), p);
    return out;
  });
}

}  // namespace nusi_python
