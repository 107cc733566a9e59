%%% Registration with a MUC room (XEP-0045 section 7.10), which ejabberd 23.01 does not offer: a
%%% local user registers with a room to become a member of it (beckon's joinGroup), and cancels
%%% the registration (<remove/>) to leave it (quitGroup). Prosody offers the same with
%%% `allow_unaffiliated_register`. Owners and admins keep their affiliation; an outcast is refused.
%%%
%%% The room process runs this hook; the affiliation change is a synchronous call into that same
%%% process, so it is made from a helper process, which then answers the IQ.
-module(mod_beckon_muc_register).
-behaviour(gen_mod).

-export([start/2, stop/1, reload/3, depends/2, mod_options/1, mod_doc/0, process_iq/2]).

-include("xmpp.hrl").
-include("mod_muc_room.hrl").

start(Host, _Opts) ->
    ejabberd_hooks:add(muc_process_iq, Host, ?MODULE, process_iq, 40),
    ok.

stop(Host) ->
    ejabberd_hooks:delete(muc_process_iq, Host, ?MODULE, process_iq, 40),
    ok.

reload(_Host, _NewOpts, _OldOpts) -> ok.

depends(_Host, _Opts) -> [{mod_muc, hard}].

mod_options(_Host) -> [].

mod_doc() -> #{desc => ["Registration with a MUC room makes a local user a member."]}.

process_iq(#iq{type = set, from = From, sub_els = [#register{remove = Remove}]} = IQ,
           #state{server_host = ServerHost} = State) when From#jid.lserver == ServerHost ->
    Bare = jid:remove_resource(From),
    Current = mod_muc_room:get_affiliation(Bare, State),
    Wanted = case Remove of true -> none; _ -> member end,
    case {Current, Wanted} of
        {outcast, _} -> xmpp:make_error(IQ, xmpp:err_forbidden());
        {none, none} -> xmpp:make_error(IQ, xmpp:err_registration_required());
        {member, member} -> xmpp:make_iq_result(IQ);
        {_, member} when Current == owner; Current == admin -> xmpp:make_iq_result(IQ);
        {_, none} when Current == owner; Current == admin -> xmpp:make_error(IQ, xmpp:err_not_allowed());
        _ -> change_affiliation(self(), Bare, Wanted, IQ)
    end;
process_iq(IQ, _State) ->
    IQ.

change_affiliation(Room, Bare, Affiliation, IQ) ->
    spawn(fun() ->
                  Answer = case mod_muc_room:change_item(Room, Bare, affiliation, Affiliation, <<>>) of
                               {ok, _} -> xmpp:make_iq_result(IQ);
                               {error, _} -> xmpp:make_error(IQ, xmpp:err_internal_server_error())
                           end,
                  ejabberd_router:route(Answer)
          end),
    ignore.
