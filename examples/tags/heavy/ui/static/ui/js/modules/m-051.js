// ui module 051 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-034.js", "./m-016.js"];
  function init051(el) {
    if (!el) { return; }
    el.classList.add("c-051");
    el.setAttribute("data-module", "m-051");
    el.addEventListener("click", function () { el.classList.toggle("c-051--active"); });
    return { name: "m-051", deps: deps, weight: 70 };
  }
  root.ui = root.ui || {};
  root.ui["m-051"] = init051;
})(this);
