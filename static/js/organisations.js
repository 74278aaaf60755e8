/* Suggest known organisations as a partner's name is typed (ARIA 1.2 combobox, list popup).
 *
 * Each partner row's name field becomes a combobox: after two characters it asks
 * /api/v1/organisations/suggestions and lists what it answers. Arrows move in the list, Enter
 * or a click chooses, Escape closes it (a second Escape empties the field). Choosing fills the
 * name and the type and puts the organisation's slug in the row's hidden field; typing again
 * empties that field, so the name is then matched by a moderator. Without JavaScript (or when
 * the request fails) the field stays a plain text field. Texts come translated from the script
 * tag's data attributes ({n} is replaced by a number, {name} by a name).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !document.querySelectorAll) { return; }
  var url = script.getAttribute("data-url");
  var texts = {
    list: script.getAttribute("data-list") || "",
    none: script.getAttribute("data-none") || "",
    one: script.getAttribute("data-one") || "{n}",
    many: script.getAttribute("data-many") || "{n}",
    chosen: script.getAttribute("data-chosen") || "{name}",
    examples: script.getAttribute("data-examples") || "{n}"
  };
  var PAUSE_MS = 250;
  var MIN_CHARS = 2;

  function say(template, values) {
    return template.replace("{n}", String(values.n)).replace("{name}", values.name || "");
  }

  function attach(row) {
    var input = row.querySelector("input[name$='-name']");
    var kind = row.querySelector("select[name$='-kind']");
    var chosen = row.querySelector("input[type=hidden][name$='-organisation']");
    if (!input || !kind || !chosen || !input.id) { return; }
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", texts.list);
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function kindLabel(item) {
      var option = kind.querySelector("option[value='" + item.kind + "']");
      return option ? option.textContent : item.kind_label;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.name;
      kind.value = item.kind;
      chosen.value = item.slug;
      close();
      status.textContent = say(texts.chosen, {name: item.name});
      input.dispatchEvent(new Event("input", {bubbles: true}));  // the character counter
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "suggestion-name";
        name.textContent = item.name;
        var details = document.createElement("span");
        details.className = "suggestion-details";
        details.textContent = [kindLabel(item), item.commune,
          say(texts.examples, {n: item.examples})].filter(Boolean).join(" · ");
        option.appendChild(name);
        option.appendChild(document.createTextNode(" "));
        option.appendChild(details);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        list.appendChild(option);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
      var n = found.length;
      status.textContent = n === 0 ? texts.none : say(n === 1 ? texts.one : texts.many, {n: n});
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS) { items = []; close(); status.textContent = ""; return; }
      asked += 1;
      var mine = asked;
      fetch(url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { if (mine === asked && document.activeElement === input) { show(found); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function (event) {
      if (!event.isTrusted) { return; }
      chosen.value = "";  // typed again: no longer the organisation chosen
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, PAUSE_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); highlight(0); } else { ask(); } return; }
        highlight(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else if (input.value) {
          event.preventDefault(); input.value = ""; chosen.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  var rows = document.querySelectorAll(".partner-row");
  for (var i = 0; i < rows.length; i += 1) { attach(rows[i]); }
}());
