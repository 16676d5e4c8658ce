// SPDX-License-Identifier: MIT
// The binding framework (api.hpp): argument parsing and typed reads, text signatures and the stub
// registry, broadcasting of real inputs, and the base class of the results.
#include "api.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace nusi_python {

// --- errors -----------------------------------------------------------------------------------------

namespace {
std::string repr_text(py::handle got) {
  if (!got) return "nothing";
  return py::repr(got).cast<std::string>();
}
}  // namespace

void raise_value_error(std::string_view function, std::string_view keyword, std::string_view requirement, py::handle got) {
  std::string msg;
  msg.append(function).append(": ").append(keyword).append(" must be ").append(requirement).append(", got ").append(repr_text(got));
  throw py::value_error(msg);
}

void raise_type_error(std::string_view function, std::string_view keyword, std::string_view requirement, py::handle got) {
  std::string msg;
  msg.append(function).append(": ").append(keyword).append(" must be ").append(requirement).append(", got ");
  msg.append(got ? std::string(Py_TYPE(got.ptr())->tp_name) : std::string("nothing"));
  throw py::type_error(msg);
}

// --- the stub registry --------------------------------------------------------------------------------

void record_api(py::module_& m, const py::dict& entry) {
  if (!py::hasattr(m, "_api")) m.attr("_api") = py::list();
  m.attr("_api").cast<py::list>().append(entry);
}

void record_class(py::module_& m, const py::handle& cls, const std::string& base, const std::string& doc) {
  py::dict e;
  e["kind"] = "class";
  e["name"] = cls.attr("__name__");
  e["base"] = base;
  e["doc"] = doc;
  record_api(m, e);
}

void def_constant(py::module_& m, const char* name, py::object value, const std::string& annotation, const std::string& doc) {
  m.attr(name) = std::move(value);
  py::dict e;
  e["kind"] = "attribute";
  e["name"] = name;
  e["annotation"] = annotation;
  e["doc"] = doc;
  record_api(m, e);
}

// --- values -------------------------------------------------------------------------------------------

std::string default_text(double value) { return py::repr(py::float_(value)).cast<std::string>(); }
std::string default_text(long long value) { return std::to_string(value); }
std::string default_text(bool value) { return value ? "True" : "False"; }
std::string default_text(const std::string& value) { return py::repr(py::str(value)).cast<std::string>(); }

std::string log10_default_text(double value) {
  const double approximate = std::log10(value);
  for (int digits = 1; digits <= 17; ++digits) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*g", digits, approximate);
    const double x = std::strtod(text, nullptr);
    if (std::pow(10.0, x) == value) return default_text(x);
  }
  throw std::logic_error("nusi_python: no log10 text gives the default " + std::to_string(value));
}

// --- arguments ------------------------------------------------------------------------------------------

const std::string& arguments::name(std::size_t i) const { return (*sig_)[i].name; }

double arguments::real(std::size_t i) const {
  PyObject* o = values_[i];
  if (PyFloat_Check(o)) return PyFloat_AS_DOUBLE(o);
  if (PyUnicode_Check(o) || PyBytes_Check(o) || o == Py_None) raise_type_error(function_, name(i), "a real number", o);
  const double v = PyFloat_AsDouble(o);  // int, NumPy scalars, 0-d arrays (__float__ or __index__)
  if (v == -1.0 && PyErr_Occurred()) {
    const bool overflow = PyErr_ExceptionMatches(PyExc_OverflowError);
    PyErr_Clear();
    if (overflow) raise_value_error(function_, name(i), "a real number within the range of a double", o);
    raise_type_error(function_, name(i), "a real number", o);
  }
  return v;
}

double arguments::real_in(std::size_t i, double lo, double hi) const {
  const double v = real(i);
  if (!(v >= lo && v <= hi)) {
    std::ostringstream need;
    need.precision(17);
    need << "in [" << lo << ", " << hi << "]";
    raise_value_error(function_, name(i), need.str(), values_[i]);
  }
  return v;
}

std::uint64_t arguments::count(std::size_t i) const {
  PyObject* o = values_[i];
  if (PyFloat_Check(o) || PyUnicode_Check(o) || o == Py_None) raise_type_error(function_, name(i), "an integer", o);
  PyObject* index = PyNumber_Index(o);  // int and NumPy integers
  if (!index) {
    PyErr_Clear();
    raise_type_error(function_, name(i), "an integer", o);
  }
  const py::object owned = py::reinterpret_steal<py::object>(index);
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
  if (overflow > 0) {
    const unsigned long long u = PyLong_AsUnsignedLongLong(index);
    if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
      PyErr_Clear();
      raise_value_error(function_, name(i), "an integer below 2^64", o);
    }
    return u;
  }
  if (overflow < 0 || v < 0) raise_value_error(function_, name(i), "an integer >= 0", o);
  return static_cast<std::uint64_t>(v);
}

bool arguments::flag(std::size_t i) const {
  PyObject* o = values_[i];
  if (PyBool_Check(o)) return o == Py_True;
  const py::object numpy_bool = py::module_::import("numpy").attr("bool_");
  if (py::isinstance(o, numpy_bool)) return PyObject_IsTrue(o) == 1;
  raise_type_error(function_, name(i), "True or False", o);
}

std::string arguments::text(std::size_t i) const {
  PyObject* o = values_[i];
  if (!PyUnicode_Check(o)) raise_type_error(function_, name(i), "a str", o);
  Py_ssize_t size = 0;
  const char* p = PyUnicode_AsUTF8AndSize(o, &size);
  if (!p) throw py::error_already_set();
  return std::string(p, static_cast<std::size_t>(size));
}

std::vector<double> arguments::reals(std::size_t i) const {
  PyObject* o = values_[i];
  if (PyUnicode_Check(o) || PyBytes_Check(o) || o == Py_None) raise_type_error(function_, name(i), "a sequence of real numbers", o);
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(o);
  if (!a) {
    PyErr_Clear();
    raise_type_error(function_, name(i), "a sequence of real numbers", o);
  }
  if (a.ndim() != 1) raise_value_error(function_, name(i), "one-dimensional", o);
  return std::vector<double>(a.data(), a.data() + a.size());
}

bool arguments::is_scalar(std::size_t i) const {
  PyObject* o = values_[i];
  if (PyFloat_Check(o) || PyLong_Check(o)) return true;
  if (PyList_Check(o) || PyTuple_Check(o)) return false;
  const py::handle h(o);
  if (py::hasattr(h, "ndim")) return h.attr("ndim").cast<int>() == 0;
  return true;  // other numbers: real() decides
}

// --- signature ------------------------------------------------------------------------------------------

std::size_t signature::add(parameter p) {
  if (index_.count(p.name)) throw std::logic_error("nusi_python: parameter " + p.name + " declared twice");
  index_.emplace(p.name, params_.size());
  params_.push_back(std::move(p));
  return params_.size() - 1;
}

arguments signature::parse(std::string_view function, const py::args& args, const py::kwargs& kwargs) const {
  arguments a(*this, function);
  a.values_.assign(params_.size(), nullptr);
  std::size_t positional = 0;
  while (positional < params_.size() && !params_[positional].keyword_only) ++positional;
  const std::size_t n = args.size();
  if (n > positional)
    throw py::type_error(std::string(function) + "() takes " + std::to_string(positional) + " positional argument" +
                         (positional == 1 ? "" : "s") + " but " + std::to_string(n) + " were given");
  for (std::size_t i = 0; i < n; ++i) a.values_[i] = PyTuple_GET_ITEM(args.ptr(), static_cast<Py_ssize_t>(i));
  PyObject *key = nullptr, *value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(kwargs.ptr(), &pos, &key, &value)) {
    Py_ssize_t size = 0;
    const char* p = PyUnicode_AsUTF8AndSize(key, &size);
    if (!p) throw py::error_already_set();
    const auto it = index_.find(std::string(p, static_cast<std::size_t>(size)));
    if (it == index_.end())
      throw py::type_error(std::string(function) + "() got an unexpected keyword argument '" + std::string(p, static_cast<std::size_t>(size)) + "'");
    if (a.values_[it->second])
      throw py::type_error(std::string(function) + "() got multiple values for argument '" + it->first + "'");
    a.values_[it->second] = value;
  }
  for (std::size_t i = 0; i < params_.size(); ++i)
    if (!a.values_[i] && params_[i].default_text.empty())
      throw py::type_error(std::string(function) + "() missing required argument '" + params_[i].name + "'");
  for (std::size_t i = 0; i < params_.size(); ++i)  // None stands for "not given" (optional objects)
    if (a.values_[i] == Py_None && params_[i].default_text == "None") a.values_[i] = nullptr;
  return a;
}

std::string signature::text(bool method) const {
  std::string out = method ? "(self" : "(";
  bool first = !method, star = false;
  for (const auto& p : params_) {
    out += first ? "" : ", ";
    first = false;
    if (p.keyword_only && !star) {
      out += "*, ";
      star = true;
    }
    out += p.name;
    if (!p.default_text.empty()) out += "=" + p.default_text;
  }
  return out + ")";
}

// --- function -------------------------------------------------------------------------------------------

std::size_t function::positional(std::string name, std::string annotation, std::string doc, std::string default_value) {
  for (std::size_t i = 0; i < sig_->size(); ++i)
    if ((*sig_)[i].keyword_only) throw std::logic_error("nusi_python: positional parameter " + name + " after a keyword-only one");
  return sig_->add({std::move(name), std::move(annotation), std::move(default_value), std::move(doc), false});
}

std::size_t function::keyword(std::string name, std::string annotation, std::string default_value, std::string doc) {
  return sig_->add({std::move(name), std::move(annotation), std::move(default_value), std::move(doc), true});
}

std::string function::doc_text(bool method, const std::string& name) const {
  const std::string shown = name.empty() ? name_ : name;
  std::string out = shown + sig_->text(method) + "\n--\n\n" + doc_;
  if (sig_->size()) {
    out += "\n\nParameters\n----------\n";
    for (std::size_t i = 0; i < sig_->size(); ++i) {
      const auto& p = (*sig_)[i];
      out += p.name + " : " + p.annotation + (p.default_text.empty() ? "" : ", default " + p.default_text) + "\n    " + p.doc + "\n";
    }
  }
  if (!returns_.empty() && name.empty()) out += (sig_->size() ? "\n" : "\n\n") + std::string("Returns\n-------\n") + returns_ + "\n";
  return out;
}

void function::def(py::module_& m, std::function<py::object(const arguments&)> body) const {
  auto sig = sig_;
  const std::string qualified = "nusi." + name_;
  m.def(name_.c_str(), [sig, body, qualified](const py::args& args, const py::kwargs& kwargs) {
    return body(sig->parse(qualified, args, kwargs));
  }, doc_text(false).c_str());
  record(m, "function", py::none());
}

void function::record(py::module_& m, const std::string& kind, const py::handle& cls) const {
  py::dict e;
  e["kind"] = kind;
  e["class"] = cls.is_none() ? py::object(py::none()) : py::object(cls.attr("__name__"));
  e["name"] = kind == "init" ? std::string("__init__") : name_;
  py::list params;
  for (std::size_t i = 0; i < sig_->size(); ++i) {
    const auto& p = (*sig_)[i];
    params.append(py::make_tuple(p.name, p.annotation, p.default_text, p.keyword_only, p.doc));
  }
  e["parameters"] = params;
  e["returns"] = kind == "init" ? std::string("None") : returns_;
  e["doc"] = doc_;
  record_api(m, e);
}

// --- broadcasting -----------------------------------------------------------------------------------------

broadcast::broadcast(const arguments& a, const std::vector<std::pair<std::size_t, double>>& inputs) {
  std::vector<py::array_t<double, py::array::c_style | py::array::forcecast>> arrays(inputs.size());
  std::vector<std::vector<py::ssize_t>> shapes(inputs.size());
  // Which inputs are arrays: a default py::array_t is an empty array, not a null handle, so it cannot say.
  std::vector<bool> is_array(inputs.size(), false);
  columns_.resize(inputs.size());
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const auto [i, fallback] = inputs[k];
    if (!a.given(i)) {
      columns_[k] = {fallback};
    } else if (a.is_scalar(i)) {
      columns_[k] = {a.real(i)};
    } else {
      if (PyUnicode_Check(a[i].ptr())) raise_type_error(a.function(), a.name(i), "a real number or an array of them", a[i]);
      arrays[k] = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a[i]);
      if (!arrays[k]) {
        PyErr_Clear();
        raise_type_error(a.function(), a.name(i), "a real number or an array of them", a[i]);
      }
      shapes[k].assign(arrays[k].shape(), arrays[k].shape() + arrays[k].ndim());
      is_array[k] = true;
      scalar_ = false;
    }
  }
  if (scalar_) return;
  // The broadcast shape (NumPy rules: trailing axes aligned, each equal or 1).
  std::size_t ndim = 0;
  for (const auto& s : shapes) ndim = std::max(ndim, s.size());
  shape_.assign(ndim, 1);
  for (std::size_t k = 0; k < shapes.size(); ++k)
    for (std::size_t d = 0; d < shapes[k].size(); ++d) {
      const std::size_t axis = ndim - shapes[k].size() + d;
      const py::ssize_t n = shapes[k][d];
      if (n == shape_[axis] || n == 1) continue;
      if (shape_[axis] != 1) {
        std::string text;
        for (std::size_t j = 0; j < inputs.size(); ++j)
          if (a.given(inputs[j].first) && !shapes[j].empty()) text += (text.empty() ? "" : ", ") + a.name(inputs[j].first);
        throw py::value_error(std::string(a.function()) + ": the shapes of " + text + " cannot be broadcast together");
      }
      shape_[axis] = n;
    }
  size_ = 1;
  for (const auto n : shape_) size_ *= static_cast<std::size_t>(n);
  // Each array input expanded to the full shape in C order (strides 0 along its broadcast axes).
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (!is_array[k]) continue;
    std::vector<std::size_t> stride(ndim, 0);
    std::size_t step = 1;
    for (std::size_t d = shapes[k].size(); d-- > 0;) {
      const std::size_t axis = ndim - shapes[k].size() + d;
      stride[axis] = shapes[k][d] == 1 ? 0 : step;
      step *= static_cast<std::size_t>(shapes[k][d]);
    }
    const double* src = arrays[k].data();
    std::vector<double> out(size_);
    std::vector<py::ssize_t> index(ndim, 0);
    for (std::size_t e = 0; e < size_; ++e) {
      std::size_t offset = 0;
      for (std::size_t d = 0; d < ndim; ++d) offset += static_cast<std::size_t>(index[d]) * stride[d];
      out[e] = src[offset];
      for (std::size_t d = ndim; d-- > 0;) {  // next multi-index
        if (++index[d] < shape_[d]) break;
        index[d] = 0;
      }
    }
    columns_[k] = std::move(out);
  }
}

py::object shaped(const broadcast& b, const std::vector<double>& values) {
  if (b.scalar()) return py::float_(values.at(0));
  py::array_t<double> out(b.shape());
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

void def_elementwise(py::module_& m, const std::string& name, const std::string& doc,
                     const std::vector<std::pair<std::string, std::string>>& inputs, std::function<double(const double*)> f) {
  function fn(name, doc, "float | NDArray[np.float64]");
  std::vector<std::pair<std::size_t, double>> index;
  for (const auto& [n, d] : inputs) index.emplace_back(fn.positional(n, "ArrayLike", d), 0.0);
  if (index.size() > 4) throw std::logic_error("nusi_python: def_elementwise takes at most 4 inputs");
  fn.def(m, [index, f](const arguments& a) {
    const broadcast b(a, index);
    const std::size_t n = index.size();
    return elementwise(b, [&](std::size_t e) {
      double x[4] = {0, 0, 0, 0};
      for (std::size_t k = 0; k < n; ++k) x[k] = b.at(k, e);
      return f(x);
    });
  });
}

py::array_t<double> to_array(const std::vector<double>& v) {
  py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// --- results ----------------------------------------------------------------------------------------------

void bind_result_base(py::module_& m) {
  const std::string doc =
      "The base of every result: named fields (attributes), read also as r['name'], listed by r.keys() and "
      "copied by r.to_dict(). Fields carry the keys of the tool's --json where it prints the same quantity.";
  py::class_<result_base> cls(m, "result", doc.c_str());
  record_class(m, cls, "", doc);
  auto index = [](const result_base& r, const std::string& key) -> std::size_t {
    for (std::size_t i = 0; i < r.names->size(); ++i)
      if ((*r.names)[i] == key) return i;
    throw py::key_error(key);
  };
  cls.def("__getitem__", [index](const result_base& r, const std::string& key) { return r.values[index(r, key)]; },
          "__getitem__(self, key)\n--\n\nThe field named key.");
  cls.def("__contains__", [](const result_base& r, const std::string& key) {
    return std::find(r.names->begin(), r.names->end(), key) != r.names->end();
  }, "__contains__(self, key)\n--\n\nWhether a field is named key.");
  cls.def("keys", [](const result_base& r) {
    py::list out;
    for (const auto& n : *r.names) out.append(py::str(n));
    return out;
  }, "keys(self)\n--\n\nThe field names, in order.");
  cls.def("to_dict", [](const result_base& r) {
    py::dict out;
    for (std::size_t i = 0; i < r.names->size(); ++i) out[py::str((*r.names)[i])] = r.values[i];
    return out;
  }, "to_dict(self)\n--\n\nA dict of the fields, in order.");
  cls.def("__repr__", [](const py::object& self) {
    const auto& r = self.cast<const result_base&>();
    std::string out = py::str(self.get_type().attr("__name__")).cast<std::string>() + "(";
    for (std::size_t i = 0; i < r.names->size(); ++i)
      out += (i ? ", " : "") + (*r.names)[i] + "=" + py::repr(r.values[i]).cast<std::string>();
    return out + ")";
  }, "__repr__(self)\n--\n\nname(field=value, ...).");
  for (const char* name : {"__getitem__", "__contains__", "keys", "to_dict"}) {
    py::dict e;
    e["kind"] = "method";
    e["class"] = "result";
    e["name"] = name;
    py::list params;
    if (std::string(name) == "__getitem__" || std::string(name) == "__contains__") params.append(py::make_tuple("key", "str", "", false, "a field name"));
    e["parameters"] = params;
    e["returns"] = std::string(name) == "keys" ? "list[str]" : std::string(name) == "to_dict" ? "dict[str, Any]" : std::string(name) == "__contains__" ? "bool" : "Any";
    e["doc"] = py::str(cls.attr(name).attr("__doc__"));
    record_api(m, e);
  }
}

}  // namespace nusi_python
