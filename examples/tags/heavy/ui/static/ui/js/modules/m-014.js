// ui module 014 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-043.js", "./m-071.js"];
  function init014(el) {
    if (!el) { return; }
    el.classList.add("c-014");
    el.setAttribute("data-module", "m-014");
    el.addEventListener("click", function () { el.classList.toggle("c-014--active"); });
    return { name: "m-014", deps: deps, weight: 14 };
  }
  root.ui = root.ui || {};
  root.ui["m-014"] = init014;
})(this);
