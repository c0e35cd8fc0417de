// rarereg site search: reads the index the site ships (search-index.js), filters it in the
// browser. No server, no network: it works from a file:// copy too.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var index = window.RAREREG_INDEX;
  if (!form || !index) {
    return;
  }
  var box = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  var LIMIT = 200;
  var last = null;
  var LABELS = {
    centre: "centre",
    hospital: "hospital",
    network: "network",
    campaign: "campaign",
    disease: "disease"
  };

  function fold(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/gi, "oe")
      .replace(/æ/gi, "ae")
      .toLowerCase();
  }

  var prepared = index.map(function (rec) {
    return { rec: rec, hay: fold(rec.n + " " + (rec.w || "")) };
  });

  function value(name) {
    return form.elements[name].value;
  }

  function matches(item, words, what, kind, region, network) {
    var rec = item.rec;
    if (what && rec.t !== what) { return false; }
    if (kind && rec.k !== kind) { return false; }
    if (region && (rec.r || []).indexOf(region) < 0) { return false; }
    if (network && (rec.f || []).indexOf(network) < 0) { return false; }
    for (var i = 0; i < words.length; i++) {
      if (item.hay.indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }

  function run() {
    var words = fold(box.value).split(/[^0-9a-z]+/).filter(Boolean);
    var what = value("what");
    var kind = value("kind");
    var region = value("region");
    var network = value("network");
    var state = JSON.stringify([words, what, kind, region, network]);
    if (state === last) {
      return; // unchanged: keep the list (a rebuild would swallow a click on a result)
    }
    last = state;
    list.textContent = "";
    if (!words.length && !what && !kind && !region && !network) {
      status.textContent = "";
      return;
    }
    var found = prepared.filter(function (item) {
      return matches(item, words, what, kind, region, network);
    });
    status.textContent = found.length === 1 ? "1 result" : found.length + " results";
    if (found.length > LIMIT) {
      status.textContent += " (the first " + LIMIT + " shown)";
    }
    found.slice(0, LIMIT).forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.rec.u;
      a.textContent = item.rec.n;
      var tag = document.createElement("span");
      tag.className = "muted";
      tag.textContent = " " + LABELS[item.rec.t] + (item.rec.k ? " · " + item.rec.k.toUpperCase() : "");
      li.appendChild(a);
      li.appendChild(tag);
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  ["q", "what", "kind", "region", "network"].forEach(function (name) {
    if (params.get(name)) {
      form.elements[name].value = params.get(name);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  form.addEventListener("input", run);
  form.addEventListener("change", run);
  run();
})();
