// ui module 060 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-061.js", "./m-061.js"];
  function init060(el) {
    if (!el) { return; }
    el.classList.add("c-060");
    el.setAttribute("data-module", "m-060");
    el.addEventListener("click", function () { el.classList.toggle("c-060--active"); });
    return { name: "m-060", deps: deps, weight: 100 };
  }
  root.ui = root.ui || {};
  root.ui["m-060"] = init060;
})(this);
